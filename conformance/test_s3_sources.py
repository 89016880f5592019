"""Agents reading logs where AWS delivers them: S3 buckets under AWS's own key layouts, discovered by listing or by S3
event notifications from SQS, against moto_server's S3 and SQS (the real protocol).

The logs are ../shared/data's: panther-scenario's compromised-root-creds and enrichment-example CloudTrail (attacker and
victim) and its VPC flow lines, panther-rule-tests' Resolver query-log rows, and stratus-red-team detonations re-wrapped
as {"Records":[…]} — every record rewritten to name the account whose prefix it is written under (and stratus' fake
regions to the trail's region). They are cut into gzip objects in time order across several days (CloudTrail in
objects of four records, flow logs in two objects of two flow logs, one daily and one hourly-partitioned, Resolver logs
per VPC and day). The same objects are written to disk, and `guardpost-agent scan` of those files is the reference:
the member's detector must hold exactly its findings (ids, types, counts).

Listing while objects land, with another account's and another region's logs in the bucket (usage counts exactly the
member's records); SQS notifications as moto_server's bucket sends them plus SNS-wrapped, EventBridge-shaped, plain,
test-event and duplicate messages sent by hand (the queue drains); SIGKILL and restarts; objects landing late with keys
before ones already read; a proxy answering 503 SlowDown and 500; corrupt objects (named in coverage and in scan's
summary); a bucket that does not exist yet (UNHEALTHY, then read); `scan --all-accounts` of an organisation trail; the
log bucket read with an assumed role's temporary keys. Each test has its own member account, bucket and agent, on one
guardpost-admin server and one moto_server."""
import calendar
import gzip
import http.client
import http.server
import io
import json
import os
import random
import re
import shutil
import signal
import socketserver
import subprocess
import tempfile
import threading
import time
import urllib.parse

import boto3
import pytest

from conftest import OUTPUT, ROOT, Console, Server, start_moto, stored_findings, AgentProcess

AGENT = os.environ.get("GUARDPOST_AGENT", os.path.join(ROOT, ".build", "debug", "guardpost-agent"))
SHARED = os.path.join(ROOT, "..", "shared", "data")
SCENARIO = os.path.join(SHARED, "panther-scenario", "compromised-root-creds")
ENRICHMENT = os.path.join(SHARED, "panther-scenario", "enrichment-example")
STRATUS = os.path.join(SHARED, "stratus-red-team")
DNS_TESTS = os.path.join(SHARED, "panther-rule-tests", "vpcdns_rule_tests.jsonl")
INTEL = os.path.join(ROOT, "intel")
REGION = "us-east-1"
# The attackers' addresses go into the test's Tor exit list: flow records and CloudTrail calls from them become findings
# (UnauthorizedAccess:EC2/TorClient, …/TorIPCaller) without a list pushed by an administrator.
ATTACKERS = ["92.55.146.245", "200.58.83.179"]
FLOW_HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
LOG_KEYS = ("AKIALOGARCHIVE000001", "log-archive-secret")

pytestmark = pytest.mark.skipif(not os.path.isdir(SCENARIO), reason="../shared/data is not here")


# --- the logs, under AWS's key layouts ----------------------------------------------------------------------------

def _gzip(text):
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as f:
        f.write(text.encode())
    return buffer.getvalue()


def _suffix(index, rng):
    """AWS's 16-character random part; it starts with the object's index so that key order is record order."""
    return f"{index:04d}" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(12))


def _load_cloudtrail(path, account, region=REGION):
    """A CloudTrail file's records with every account id in them rewritten to `account`, fake regions to `region`."""
    with open(path) as f:
        text = f.read()
    data = json.loads(text)
    records = data["Records"] if isinstance(data, dict) else data
    originals = {r.get("recipientAccountId") for r in records} | {r.get("userIdentity", {}).get("accountId") for r in records}
    for original in originals - {None, ""}:
        text = text.replace(original, account)
    data = json.loads(text)
    records = data["Records"] if isinstance(data, dict) else data
    for record in records:
        record["awsRegion"] = region
    return records


def cloudtrail_records(account, region=REGION, stratus=("aws.defense-evasion.cloudtrail-stop.json", "aws.persistence.iam-backdoor-user.json")):
    records = []
    for path in (os.path.join(SCENARIO, "attacker_cloudtrail.native.json"), os.path.join(SCENARIO, "victim_cloudtrail.native.json"),
                 os.path.join(ENRICHMENT, "attacker_cloudtrail.native.json"), os.path.join(ENRICHMENT, "victim_cloudtrail.native.json")):
        records += _load_cloudtrail(path, account, region)
    for name in stratus:
        records += _load_cloudtrail(os.path.join(STRATUS, name), account, region)
    return sorted(records, key=lambda r: r["eventTime"])


class LogObject:
    """One log object: its key below the prefix (AWSLogs/…), its gzip body, its kind (cloudtrail, flow, dns)."""

    def __init__(self, kind, key, body):
        self.kind, self.key, self.body = kind, key, body

    @property
    def name(self):
        return self.key.rsplit("/", 1)[1]

    def __repr__(self):
        return f"LogObject({self.key})"


def cloudtrail_objects(account, region=REGION, org=None, per_object=4, seed=0, **options):
    """The account's CloudTrail in objects of `per_object` records, one day prefix per record date:
    AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_RANDOM16.json.gz"""
    rng = random.Random(f"ct{account}{seed}")
    records = cloudtrail_records(account, region, **options)
    days = {}
    for record in records:
        days.setdefault(record["eventTime"][:10], []).append(record)
    objects, index = [], 0
    for day, day_records in sorted(days.items()):
        for start in range(0, len(day_records), per_object):
            chunk = day_records[start:start + per_object]
            stamp = chunk[0]["eventTime"]
            y, m, d = day.split("-")
            moment = f"{y}{m}{d}T{stamp[11:13]}{stamp[14:16]}Z"
            base = f"AWSLogs/{org + '/' if org else ''}{account}/CloudTrail/{region}/{y}/{m}/{d}/"
            key = f"{base}{account}_CloudTrail_{region}_{moment}_{_suffix(index, rng)}.json.gz"
            objects.append(LogObject("cloudtrail", key, _gzip(json.dumps({"Records": chunk}))))
            index += 1
    return objects


def single_cloudtrail_object(account, stratus_file, delivered_minutes_later=0, at=None):
    """One stratus-red-team detonation as one CloudTrail object of the account (its records moved to the time `at`
    when given), keyed by its first record's time plus the delivery delay."""
    records = sorted(_load_cloudtrail(os.path.join(STRATUS, stratus_file), account), key=lambda r: r["eventTime"])
    for record in records if at else ():
        record["eventTime"] = at
    moment = time.gmtime(calendar.timegm(time.strptime(records[0]["eventTime"], "%Y-%m-%dT%H:%M:%SZ")) + 60 * delivered_minutes_later)
    key = (f"AWSLogs/{account}/CloudTrail/{REGION}/{time.strftime('%Y/%m/%d', moment)}/"
           f"{account}_CloudTrail_{REGION}_{time.strftime('%Y%m%dT%H%MZ', moment)}_9000NEWERSTRATUS.json.gz")
    return LogObject("cloudtrail", key, _gzip(json.dumps({"Records": records})))


def flow_lines(account):
    with open(os.path.join(SCENARIO, "attacker_vpc.native.log")) as f:
        return [line.replace("493859302102", account) for line in f if line.strip()]


def flow_objects(account, region=REGION, lines=None, hourly_second=True, first_key_time=None):
    """The scenario's flow lines in two objects of two flow logs (the second delivered with the hourly partition):
    AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/[HH/]ACCOUNT_vpcflowlogs_REGION_fl-ID_YYYYMMDDTHHmmZ_HASH.log.gz"""
    lines = lines or flow_lines(account)
    halves = [lines[:3], lines[3:]]
    objects = []
    for index, (part, flow_log) in enumerate(zip(halves, ("fl-0a1b2c3d4e5f60718", "fl-0f9e8d7c6b5a40312"))):
        start = time.gmtime(int(part[0].split()[10]))
        if index == 0 and first_key_time:
            start = time.strptime(first_key_time, "%Y%m%dT%H%MZ")
        hour = time.strftime("%H/", start) if (hourly_second and index == 1) else ""
        key = (f"AWSLogs/{account}/vpcflowlogs/{region}/{time.strftime('%Y/%m/%d/', start)}{hour}"
               f"{account}_vpcflowlogs_{region}_{flow_log}_{time.strftime('%Y%m%dT%H%MZ', start)}_{index:02d}3f9a1c.log.gz")
        objects.append(LogObject("flow", key, _gzip(FLOW_HEADER + "".join(part))))
    return objects


def dns_rows(account):
    with open(DNS_TESTS) as f:
        rows = [json.loads(line)["log"] for line in f]
    for row in rows:
        row["account_id"] = account
        row.pop("p_log_type", None)
    return rows


def dns_objects(account, split_first=False, split=False):
    """The Resolver query-log rows, one object per VPC and day (in two objects: the first day's when `split_first`,
    every day's when `split`):
    AWSLogs/ACCOUNT/vpcdnsquerylogs/VPC-ID/YYYY/MM/DD/ACCOUNT_vpcdnsquerylogs_VPC-ID_YYYYMMDDTHHmmZ_HASH.log.gz"""
    groups = {}
    for row in dns_rows(account):
        groups.setdefault((row["query_timestamp"][:10], row["vpc_id"]), []).append(row)
    objects = []
    for (day, vpc), rows in sorted(groups.items()):
        y, m, d = day.split("-")
        hour = rows[0]["query_timestamp"][11:13]
        parts = [(rows[len(rows) // 2:], "30"), (rows[:len(rows) // 2], "25")] if split or (split_first and not objects) else [(rows, "30")]
        for part, minute in parts:
            key = (f"AWSLogs/{account}/vpcdnsquerylogs/{vpc}/{y}/{m}/{d}/"
                   f"{account}_vpcdnsquerylogs_{vpc}_{y}{m}{d}T{hour}{minute}Z_{minute}b7e2d94c.log.gz")
            objects.append(LogObject("dns", key, _gzip("".join(json.dumps(r) + "\n" for r in part))))
    return objects


def member_objects(account, **options):
    """Everything one account's logs hold: CloudTrail over several days, two flow-log objects, Resolver logs of three VPCs."""
    return cloudtrail_objects(account) + flow_objects(account) + dns_objects(account, **options)


def in_waves(objects, count):
    """`count` consecutive slices of each location's objects (an account and region's, or a VPC's, folder; in key
    order), wave by wave: the first wave has the first object of every location."""
    locations = {}
    for obj in objects:
        locations.setdefault(re.match(r"^(.*?/)\d{4}/\d{2}/\d{2}/", obj.key).group(1), []).append(obj)
    waves = [[] for _ in range(count)]
    for items in locations.values():
        items = sorted(items, key=lambda o: o.key)
        for index, obj in enumerate(items):
            waves[index * count // len(items)].append(obj)
    return waves


def write_files(directory, objects):
    """The same objects as files on disk, one directory per kind: {kind: directory}."""
    kinds = {}
    for obj in objects:
        target = os.path.join(directory, obj.kind)
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, obj.name), "wb") as f:
            f.write(obj.body)
        kinds[obj.kind] = target
    return kinds


def findings_of(stdout):
    return {f["id"]: (f["type"], f["service"]["count"]) for f in json.loads(stdout)}


# --- the world: one guardpost-admin, one moto_server, per-test members and agents ---------------------------------

class World:
    """One guardpost-admin and one moto_server (S3, SQS and STS) shared by the module's tests; the log-archive keys as
    the `logs` profile of a credentials file that every test's member adds its Guardpost keys' profile to."""

    def __init__(self, server, moto_endpoint, base):
        self.server, self.moto, self.base = server, moto_endpoint, base
        self.s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_endpoint, aws_access_key_id=LOG_KEYS[0], aws_secret_access_key=LOG_KEYS[1])
        self.sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto_endpoint, aws_access_key_id=LOG_KEYS[0], aws_secret_access_key=LOG_KEYS[1])
        self.intel = os.path.join(base, "intel")
        self.credentials = os.path.join(base, "credentials")
        self.agents = []
        self._make_intel()
        with open(self.credentials, "w") as f:
            f.write(f"[logs]\naws_access_key_id = {LOG_KEYS[0]}\naws_secret_access_key = {LOG_KEYS[1]}\n")

    def _make_intel(self):
        """The shipped intelligence, with the attackers as Tor exits and a four-network country file: the same findings as
        the shipped million-line file gives for these addresses, without a debug build parsing it in every process."""
        os.makedirs(self.intel)
        for name in os.listdir(INTEL):
            if name not in ("tor-exit-nodes.txt", "ip-countries.tsv.gz"):
                os.symlink(os.path.join(INTEL, name), os.path.join(self.intel, name))
        with open(os.path.join(self.intel, "tor-exit-nodes.txt"), "w") as f:
            f.write("".join(a + "\n" for a in ATTACKERS))
        with gzip.open(os.path.join(self.intel, "ip-countries.tsv.gz"), "wt") as f:
            # From the shipped intel/ip-countries.tsv.gz: the networks of the scenario's addresses.
            f.write("71.192.0.0/10\tUS\n92.55.128.0/19\tRO\n136.24.0.0/13\tUS\n200.58.64.0/19\tBO\n")

    def member(self):
        """A new standalone account with an enabled detector, its Guardpost keys as a profile of the credentials file."""
        account = self.server.create_account()
        account.detector = account.client().create_detector(Enable=True)["DetectorId"]
        account.profile = f"gp{account.account_id}"
        with open(self.credentials, "a") as f:
            f.write(f"[{account.profile}]\naws_access_key_id = {account.access_key_id}\naws_secret_access_key = {account.secret_access_key}\n")
        return account

    def bucket(self, name):
        self.s3.create_bucket(Bucket=name)
        return name

    def put(self, bucket, prefix, objects):
        for obj in objects:
            self.s3.put_object(Bucket=bucket, Key=prefix + obj.key, Body=obj.body)

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["AWS_SHARED_CREDENTIALS_FILE"] = self.credentials
        env["AWS_CONFIG_FILE"] = os.path.join(self.base, "no-config")
        return env

    def agent(self, name, member, state_dir, sources, endpoint=None, extra=()):
        agent = S3Agent(self, name, member, state_dir, sources, endpoint or self.moto, extra)
        self.agents.append(agent)
        return agent.start()

    def scan(self, *args, check=True):
        """`guardpost-agent scan` with the test's intelligence: (findings, stderr)."""
        result = subprocess.run([AGENT, "scan", "--intel-dir", self.intel, *args],
                                env=self.env(), capture_output=True, text=True, timeout=120)
        if check:
            assert result.returncode == 0, result.stderr
        return (findings_of(result.stdout) if result.returncode == 0 else None), result.stderr

    def s3_options(self, bucket, prefix=""):
        """A scan's options for the bucket's three sources, read with the log-archive profile."""
        return ["--log-profile", "logs", "--s3-endpoint-url", self.moto, *sum(([o, u] for o, u in sources(bucket, prefix)), [])]

    def scan_files(self, account, directories, records=False):
        """A scan of the files: its findings, and with `records` also the records it read per data source."""
        args = ["--account-id", account, "--region", REGION]
        for kind, option in (("cloudtrail", "--cloudtrail"), ("flow", "--flow-logs"), ("dns", "--dns-logs")):
            if kind in directories:
                args += [option, directories[kind]]
        found, summary = self.scan(*args)
        if not records:
            return found
        names = {"flow logs": "FLOW_LOGS", "cloudtrail": "CLOUD_TRAIL", "dns logs": "DNS_LOGS"}
        counts = {names[m.group(1)]: int(m.group(2)) for m in re.finditer(r"^(flow logs|cloudtrail|dns logs): (\d+) records read", summary, re.M)}
        return found, counts


class S3Agent(AgentProcess):
    """A `guardpost-agent run` over S3 sources: the member's Guardpost keys by --profile, the log bucket's by --log-profile."""

    def __init__(self, world, name, member, state_dir, sources, endpoint, extra):
        self.world, self.name, self.member, self.state_dir = world, name, member, state_dir
        self.sources, self.endpoint, self.extra = sources, endpoint, list(extra)
        self.log_path = os.path.join(OUTPUT, f"agent-s3-{name}.log")
        open(self.log_path, "w").close()
        self.process = None

    def start(self):
        args = [AGENT, "run", "--endpoint-url", self.world.server.endpoint, "--region", REGION, "--state-dir", self.state_dir,
                "--profile", self.member.profile, "--log-profile", "logs", "--s3-endpoint-url", self.endpoint,
                "--heartbeat-seconds", "1", "--idle-flush-seconds", "2", "--updates-every-seconds", "2",
                "--intel-dir", self.world.intel, "--s3-poll-seconds", "1", "--s3-since", "2020-10-01", *self.extra]
        for option, url in self.sources:
            args += [option, url]
        self.process = subprocess.Popen(args, env=self.world.env(), stdout=open(self.log_path, "a"), stderr=subprocess.STDOUT)
        return self



def sources(bucket, prefix=""):
    url = f"s3://{bucket}/{prefix}"
    return [("--cloudtrail", url), ("--flow-logs", url), ("--dns-logs", url)]


def random_account():
    return "".join(random.choice("0123456789") for _ in range(12))


def stored(member):
    """The findings the member's detector holds: {id: (type, count)}."""
    return stored_findings(member.client(), member.detector)


def usage_records(member):
    """The records the member's agents reported analysing, per data source (GetUsageStatistics in RECORDS)."""
    answer = member.client().get_usage_statistics(DetectorId=member.detector, UsageStatisticType="SUM_BY_DATA_SOURCE",
                                                  UsageCriteria={"DataSources": ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS"]}, Unit="RECORDS")
    return {row["DataSource"]: int(row["Total"]["Amount"]) for row in answer["UsageStatistics"].get("SumByDataSource", [])}


def coverage(member):
    return member.client().list_coverage(DetectorId=member.detector)["Resources"]


def wait_for(predicate, timeout=40, interval=0.3, what="condition", agent=None):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    tail = f"\nagent log tail:\n{agent.log()[-3000:]}" if agent else ""
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}{tail}")


def wait_equal(get, expected, timeout=40, agent=None):
    """Waits until get() == expected; on timeout fails with pytest's diff of the two."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if get() == expected:
            return
        time.sleep(0.5)
    if agent is not None and agent.process.poll() is not None:
        raise AssertionError(f"the agent exited ({agent.process.returncode}):\n{agent.log()[-3000:]}")
    assert get() == expected


@pytest.fixture(scope="module")
def world():
    process, endpoint, _ = start_moto(LOG_KEYS[0])
    base = tempfile.mkdtemp(prefix="guardpost-s3-sources-")
    server = Server("s3_sources").start()
    w = World(server, endpoint, base)
    yield w
    for agent in w.agents:
        agent.stop()
    server.stop()
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(autouse=True)
def agents_stop_after_each_test(world):
    """Each test's agents stop when it ends: later tests do not share the CPU and moto_server with them."""
    yield
    for agent in world.agents:
        agent.stop()
    world.agents.clear()


def _assert_the_data_finds_something(expected):
    types = {t for t, _ in expected.values()}
    assert {"UnauthorizedAccess:EC2/TorClient", "Stealth:IAMUser/CloudTrailLoggingDisabled", "CryptoCurrency:EC2/BitcoinTool.B!DNS",
            "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B"} <= types, types


# --- the tests ----------------------------------------------------------------------------------------------------

def test_listing_reads_objects_written_over_time_exactly_as_a_scan_of_the_same_files(world, tmp_path):
    member, other = world.member(), random_account()
    bucket = world.bucket("gp-listing")
    prefix = "central/"
    mine = member_objects(member.account_id, split=True)
    expected, records = world.scan_files(member.account_id, write_files(str(tmp_path / "files"), mine), records=True)
    _assert_the_data_finds_something(expected)
    # Another account's logs, this account's trail of another region and a day before --s3-since share the bucket:
    # the agent reads none of them.
    ignored = member_objects(other) + cloudtrail_objects(member.account_id, region="us-west-2")
    ignored.append(single_cloudtrail_object(member.account_id, "aws.defense-evasion.cloudtrail-delete.json", at="2020-09-30T23:50:00Z"))
    assert "/CloudTrail/us-east-1/2020/09/30/" in ignored[-1].key
    world.put(bucket, prefix, ignored)

    # The objects land in three waves, each the next third of every location's objects in key order (as AWS delivers
    # them; out-of-order delivery is the late-objects test's). The first wave, which has an object of every location
    # (the agent looks for new account, region and VPC folders only every few minutes), is there when the agent
    # starts; the others land a second apart while it polls.
    first, *later = in_waves(mine, 3)
    world.put(bucket, prefix, first)
    agent = world.agent("listing", member, str(tmp_path / "state"), sources(bucket, prefix))
    for wave in later:
        time.sleep(1)
        world.put(bucket, prefix, wave)
    wait_equal(lambda: stored(member), expected, agent=agent)
    wait_for(agent.outbox_empty, what="an empty outbox", agent=agent)
    # The agent analysed exactly the member's records of its region: its usage counts the scan's records, no more.
    wait_equal(lambda: usage_records(member), records, agent=agent)
    assert agent.process.poll() is None


def test_sqs_notifications_find_exactly_what_a_scan_finds_and_are_deleted(world, tmp_path):
    member = world.member()
    bucket = world.bucket("gp-notified")
    prefix = "org/"
    queue = world.sqs.create_queue(QueueName="gp-log-events")["QueueUrl"]
    queue_arn = world.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # moto_server delivers the bucket's own notifications (an s3:TestEvent first) for CloudTrail and flow logs;
    # the Resolver logs' notifications are sent by hand: one SNS-wrapped, one EventBridge-shaped, one plain.
    world.s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"Id": "cloudtrail", "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": f"{prefix}AWSLogs/{member.account_id}/CloudTrail/"}]}}},
        {"Id": "flow", "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": f"{prefix}AWSLogs/{member.account_id}/vpcflowlogs/"}]}}},
    ]})
    mine = member_objects(member.account_id)
    expected = world.scan_files(member.account_id, write_files(str(tmp_path / "files"), mine))
    _assert_the_data_finds_something(expected)

    agent = world.agent("sqs", member, str(tmp_path / "state"), sources(bucket, prefix), extra=["--sqs-queue-url", queue])
    notified = [o for o in mine if o.kind != "dns"]
    for wave in in_waves(notified, 2):
        world.put(bucket, prefix, wave)
        time.sleep(1)
    dns = [o for o in mine if o.kind == "dns"]
    world.put(bucket, prefix, dns)
    for index, obj in enumerate(dns):
        key = prefix + obj.key
        head = world.s3.head_object(Bucket=bucket, Key=key)
        etag = head["ETag"].strip('"')
        record = {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION, "eventTime": "2026-01-01T00:00:00.000Z",
                  "eventName": "ObjectCreated:Put",
                  "s3": {"s3SchemaVersion": "1.0", "configurationId": "dns", "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                         "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": len(obj.body), "eTag": etag}}}
        if index == 0:
            body = {"Type": "Notification", "MessageId": "5a1b2c3d-0000-4000-8000-000000000001", "TopicArn": "arn:aws:sns:us-east-1:123456789012:logs",
                    "Subject": "Amazon S3 Notification", "Message": json.dumps({"Records": [record]}), "Timestamp": "2026-01-01T00:00:00.000Z",
                    "SignatureVersion": "1", "Signature": "", "SigningCertURL": "", "UnsubscribeURL": ""}
        elif index == 1:
            body = {"version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103", "detail-type": "Object Created", "source": "aws.s3",
                    "account": "123456789012", "time": "2026-01-01T00:00:00Z", "region": REGION, "resources": [f"arn:aws:s3:::{bucket}"],
                    "detail": {"version": "0", "bucket": {"name": bucket}, "object": {"key": key, "size": len(obj.body), "etag": etag},
                               "request-id": "N4N7GDK58NMKJ12R", "requester": "123456789012", "reason": "PutObject"}}
        else:
            body = {"Records": [record]}
        world.sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body))
    # At least once: a second delivery of an object already notified (same key and ETag) counts nothing twice; and a
    # test event sent by hand too.
    world.sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-01-01T00:00:00.000Z",
                                                                    "Bucket": bucket, "RequestId": "5582815E1AEA5ADF", "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3e"}))
    again = notified[0]
    head = world.s3.head_object(Bucket=bucket, Key=prefix + again.key)
    world.sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION, "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket}, "object": {"key": urllib.parse.quote_plus(prefix + again.key, safe="/"),
                                                      "size": len(again.body), "eTag": head["ETag"].strip('"')}}}]}))

    wait_equal(lambda: stored(member), expected, agent=agent)

    def drained():
        attributes = world.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"]) == 0
    wait_for(drained, what="every notification deleted", agent=agent)
    wait_for(agent.outbox_empty, what="an empty outbox", agent=agent)
    assert stored(member) == expected


def test_sigkill_and_restarts_read_every_object_once(world, tmp_path):
    member = world.member()
    bucket = world.bucket("gp-killed")
    mine = member_objects(member.account_id)
    files = write_files(str(tmp_path / "files"), mine)
    expected = world.scan_files(member.account_id, files)
    first, rest = in_waves(mine, 2)
    first_expected = world.scan_files(member.account_id, write_files(str(tmp_path / "first"), first))
    world.put(bucket, "", first)
    agent = world.agent("killed", member, str(tmp_path / "state"), sources(bucket))
    # Killed once the first half's findings are all in (its windows judged), then the second half lands.
    wait_equal(lambda: stored(member), first_expected, agent=agent)
    agent.kill()
    world.put(bucket, "", rest)
    agent.start()
    wait_equal(lambda: stored(member), expected, agent=agent)
    wait_for(agent.outbox_empty, what="an empty outbox", agent=agent)
    # A second kill and restart, then one new object: the agent reads it and nothing it had read before (the counts
    # are still the scan's, with the new object's file added).
    agent.kill()
    agent.start()
    # (DeleteTrail at 12:46, delivered at 13:10: its key sorts after the day's last one, …T1306Z.)
    newer = single_cloudtrail_object(member.account_id, "aws.defense-evasion.cloudtrail-delete.json", delivered_minutes_later=24)
    world.put(bucket, "", [newer])
    write_files(str(tmp_path / "files"), [newer])
    before, expected = expected, world.scan_files(member.account_id, files)
    assert len(expected) == len(before) + 1
    wait_equal(lambda: stored(member), expected, agent=agent)
    time.sleep(2.5)  # one more publishing interval of finding updates: nothing is counted late
    assert stored(member) == expected


def test_a_sigkill_mid_stream_while_a_window_is_open_loses_no_finding(world, tmp_path):
    member = world.member()
    bucket = world.bucket("gp-killed-mid")
    mine = member_objects(member.account_id)
    expected = world.scan_files(member.account_id, write_files(str(tmp_path / "files"), mine))
    # The first half holds both successful console logins (2020-11-01T08:29:10Z, from Romania and Bolivia): the
    # ConsoleLoginSuccess.B window is open when the first findings arrive. One kill as the agent starts reading, one then.
    first, rest = in_waves(mine, 2)
    assert any("20201101T0829Z" in o.key for o in first)
    world.put(bucket, "", first)
    agent = world.agent("killed-mid", member, str(tmp_path / "state"), sources(bucket))
    wait_for(lambda: "configuration applied" in agent.log(), interval=0.05, what="the agent's configuration", agent=agent)
    time.sleep(0.3)
    agent.kill()
    agent.start()
    wait_for(lambda: stored(member), interval=0.1, what="the first findings", agent=agent)
    agent.kill()
    world.put(bucket, "", rest)
    agent.start()
    wait_equal(lambda: stored(member), expected, timeout=10, agent=agent)


def test_late_objects_that_sort_before_keys_already_read_are_read(world, tmp_path):
    member = world.member()
    bucket = world.bucket("gp-late")
    mine = cloudtrail_objects(member.account_id) + flow_objects(member.account_id, hourly_second=False, first_key_time="20201101T2250Z")
    mine += dns_objects(member.account_id, split_first=True)
    expected = world.scan_files(member.account_id, write_files(str(tmp_path / "files"), mine))
    # Late: the first flow object (key …fl-0a…T2250Z, sorting before …fl-0f…T2259Z) and the first DNS day's earlier half
    # (key …T0025Z, sorting before …T0030Z), both within the trailing window, written after the agent has read past them.
    late = [o for o in mine if o.kind == "flow"][:1] + [o for o in mine if o.kind == "dns" and "T0025Z" in o.key][:1]
    assert len(late) == 2 and all(any(o.key > l.key and o.kind == l.kind for o in mine) for l in late)
    on_time = [o for o in mine if o not in late]
    on_time_expected = world.scan_files(member.account_id, write_files(str(tmp_path / "on-time"), on_time))
    world.put(bucket, "", on_time)
    agent = world.agent("late", member, str(tmp_path / "state"), sources(bucket))
    wait_equal(lambda: stored(member), on_time_expected, agent=agent)
    world.put(bucket, "", late)
    assert on_time_expected != expected
    wait_equal(lambda: stored(member), expected, agent=agent)


class ThrottlingProxy:
    """A plain HTTP proxy in front of moto_server that answers S3's 503 SlowDown (and one 500 InternalError) to chosen
    requests and passes every other one through untouched (the agent's signature covers the Host it sent)."""

    def __init__(self, upstream, throttle):
        self.upstream = upstream.split("//", 1)[1]
        self.throttle = throttle  # request numbers (from 0) to refuse
        self.credentials = []  # (access key id, security token or None) of every request
        self.count = 0
        self.refused = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                credential = re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", ""))
                with proxy.lock:
                    proxy.credentials.append((credential.group(1) if credential else None, self.headers.get("x-amz-security-token")))
                    number = proxy.count
                    proxy.count += 1
                    refuse = number in proxy.throttle
                    if refuse:
                        proxy.refused += 1
                if refuse:
                    status, code = (500, "InternalError") if number == max(proxy.throttle) else (503, "SlowDown")
                    payload = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>Please reduce your request rate.</Message>'
                               f'<RequestId>{number:016X}</RequestId><HostId>proxy</HostId></Error>').encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                connection = http.client.HTTPConnection(proxy.upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                data = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                connection.close()

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        class Threaded(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.httpd = Threaded(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_throttling_burst_is_retried_and_findings_stay_exact(world, tmp_path):
    member = world.member()
    bucket = world.bucket("gp-throttled")
    mine = member_objects(member.account_id)
    expected = world.scan_files(member.account_id, write_files(str(tmp_path / "files"), mine))
    world.put(bucket, "", mine)
    # A burst of four refusals at the start, then every third request until ten have been refused (the last a 500).
    throttle = set(range(4)) | set(range(6, 24, 3))
    with ThrottlingProxy(world.moto, throttle) as proxy:
        agent = world.agent("throttled", member, str(tmp_path / "state"), sources(bucket), endpoint=proxy.endpoint)
        wait_equal(lambda: stored(member), expected, timeout=60, agent=agent)
        wait_for(lambda: proxy.refused == len(throttle), what=f"{len(throttle)} refusals served", agent=agent)
        # Every S3 request was signed with the log-archive profile's keys, none with the member's Guardpost keys.
        assert {key for key, _ in proxy.credentials} == {LOG_KEYS[0]}
        wait_for(agent.outbox_empty, what="an empty outbox", agent=agent)
        agent.stop()


def test_corrupt_objects_are_skipped_counted_and_named_and_the_rest_is_exact(world, tmp_path):
    member = world.member()
    bucket = world.bucket("gp-corrupt")
    mine = member_objects(member.account_id)
    expected = world.scan_files(member.account_id, write_files(str(tmp_path / "files"), mine))
    account = member.account_id
    not_gzip = LogObject("cloudtrail", f"AWSLogs/{account}/CloudTrail/{REGION}/2020/10/31/{account}_CloudTrail_{REGION}_20201031T1200Z_9999CORRUPTRANDOM.json.gz",
                         random.Random(5).randbytes(3000))
    # A truncated gzip of flow lines that find nothing (so whether its first lines were analysed does not matter).
    quiet = [line for line in flow_lines(account) if "92.55.146.245" not in line]
    whole = _gzip(FLOW_HEADER + "".join(quiet * 40))
    truncated = LogObject("flow", f"AWSLogs/{account}/vpcflowlogs/{REGION}/2020/11/01/{account}_vpcflowlogs_{REGION}_fl-0a1b2c3d4e5f60718_20201101T2300Z_99truncd.log.gz",
                          whole[:len(whole) // 2])
    world.put(bucket, "", mine[:3] + [not_gzip, truncated] + mine[3:])
    agent = world.agent("corrupt", member, str(tmp_path / "state"), sources(bucket))
    wait_equal(lambda: stored(member), expected, agent=agent)

    def named():
        issues = " ".join(r.get("Issue", "") for r in coverage(member))
        return issues if (not_gzip.name in issues and truncated.name in issues) else None
    wait_for(named, what="coverage naming both corrupt objects", agent=agent)
    # Skipped, not retried forever: the findings stay exact and the agent keeps running.
    time.sleep(2)
    assert stored(member) == expected and agent.process.poll() is None
    # An offline scan of the bucket counts the two as malformed and finds the same.
    found, summary = world.scan("--account-id", account, "--region", REGION, *world.s3_options(bucket))
    assert found == expected
    # Its summary's lines per S3 source: `s3://…: N objects read, M skipped as corrupt`, each corrupt key named below.
    counts = [re.search(r"(\d+) objects? read, (\d+) (?:skipped as corrupt|malformed)", line) for line in summary.splitlines()
              if line.startswith(f"s3://{bucket}/")]
    assert counts and all(counts), summary
    assert sum(int(c.group(2)) for c in counts) == 2 and sum(int(c.group(1)) for c in counts) >= len(mine), summary
    assert not_gzip.name in summary and truncated.name in summary, summary


def test_a_missing_bucket_is_reported_in_coverage_and_reading_starts_once_it_exists(world, tmp_path):
    member = world.member()
    bucket = "gp-not-yet"
    # One folder per source (one VPC's Resolver logs): when the bucket appears its objects land in a burst, and the
    # agent must not see a VPC folder and miss the next one appearing milliseconds later (it looks again in minutes).
    mine = [o for o in member_objects(member.account_id) if o.kind != "dns" or "/vpc-abc123/" in o.key]
    expected = world.scan_files(member.account_id, write_files(str(tmp_path / "files"), mine))
    agent = world.agent("missing", member, str(tmp_path / "state"), sources(bucket))

    def reported():
        return [r for r in coverage(member) if bucket in (r.get("Issue") or "")]
    resources = wait_for(reported, what="coverage naming the missing bucket", agent=agent)
    assert resources[0]["CoverageStatus"] == "UNHEALTHY", resources
    # The console's Accounts page shows the same.
    console = Console(world.server)
    assert console.sign_in(member.access_key_id, member.secret_access_key).status_code in (302, 303)
    page = console.get("/console/accounts").text
    assert "UNHEALTHY" in page and bucket in page, page[-2000:]
    world.bucket(bucket)
    world.put(bucket, "", mine)
    wait_equal(lambda: stored(member), expected, agent=agent)
    wait_for(lambda: [r for r in coverage(member) if r["CoverageStatus"] == "HEALTHY" and bucket not in (r.get("Issue") or "")],
             what="coverage healthy again", agent=agent)


def test_scan_all_accounts_of_a_bucket_equals_the_scan_of_every_accounts_files(world, tmp_path):
    member, other = random_account(), random_account()
    bucket = world.bucket("gp-organisation")
    org = "o-exampleorg1"
    # An organisation trail's layout (AWSLogs/o-ORG/ACCOUNT/CloudTrail/…), the other account's also in a second region.
    mine = cloudtrail_objects(member, org=org) + flow_objects(member) + dns_objects(member)
    theirs = (cloudtrail_objects(other, org=org, stratus=("aws.defense-evasion.cloudtrail-delete.json",))
              + cloudtrail_objects(other, region="us-west-2", org=org, stratus=()) + flow_objects(other) + dns_objects(other))
    world.put(bucket, "trail/", mine + theirs)
    everything = world.scan_files(member, write_files(str(tmp_path / "all"), mine + theirs))
    member_only = world.scan_files(member, write_files(str(tmp_path / "member"), mine))
    assert len(everything) > len(member_only) > 0

    found, summary = world.scan("--all-accounts", *world.s3_options(bucket, "trail/"))
    assert found == everything, summary
    assert f"s3://{bucket}/trail/" in summary and "objects read" in summary, summary
    # One account's scan of the same bucket: that account's files only.
    found, summary = world.scan("--account-id", member, *world.s3_options(bucket, "trail/"))
    assert found == member_only, summary
    # `run` refuses --all-accounts, saying why: the agent channel takes only the signing account's findings.
    refused = subprocess.run([AGENT, "run", "--all-accounts", "--endpoint-url", world.server.endpoint, "--region", REGION,
                              "--state-dir", str(tmp_path / "state"), *sum(([o, u] for o, u in sources(bucket, "trail/")), [])],
                             env=world.env(), capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "scan --all-accounts" in refused.stderr, refused.stderr


def test_a_log_role_is_assumed_and_its_session_signs_every_read(world, tmp_path):
    account = random_account()
    bucket = world.bucket("gp-role")
    mine = member_objects(account)
    world.put(bucket, "", mine)
    expected = world.scan_files(account, write_files(str(tmp_path / "files"), mine))
    role = "arn:aws:iam::123456789012:role/guardpost-log-reader"
    with ThrottlingProxy(world.moto, set()) as proxy:
        result = subprocess.run([AGENT, "scan", "--intel-dir", world.intel, "--account-id", account, "--log-profile", "logs", "--log-role-arn", role,
                                 "--s3-endpoint-url", proxy.endpoint, *sum(([o, u] for o, u in sources(bucket)), [])],
                                env=dict(world.env(), AWS_ENDPOINT_URL_STS=world.moto), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert findings_of(result.stdout) == expected
    # moto's STS hands out temporary keys (ASIA…) with a session token: they, not the profile's keys, signed the reads.
    assert proxy.credentials and all(key and key.startswith("ASIA") and key != LOG_KEYS[0] and token for key, token in proxy.credentials), proxy.credentials[:3]
