"""Issue 13, tried as an attacker holding one ordinary account's keys would: one test (or a few) per row of the
issue's table. Loopback servers of the tests' own stand in for the world: 127.0.0.1 is "internal" (the server
must never connect there for a tenant), 127.0.0.2 and 127.0.0.3 are "public" hosts that the operator allowed
with `--allow-fetch-from`. No test sends traffic outside 127.0.0.0/8.

Waits are bounded ("until the status leaves ACTIVATING, at most 60 s"); no test measures speed."""
import json
import os
import re
import select
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import BINARY, Console, Server, enrolled_pair, free_port, send, send_raw, signed_out
from test_findings import finding, ingest

INT64_MAX = 2**63 - 1
SAFE_MAX = 2**53


# --- which serve flags this build has ------------------------------------------------------------

_HELP = None


def serve_help():
    global _HELP
    if _HELP is None:
        result = subprocess.run([BINARY, "serve", "--help"], capture_output=True, text=True, timeout=60)
        _HELP = result.stdout + result.stderr
    return _HELP


def has_flag(flag):
    return re.search(re.escape(flag) + r"\b", serve_help()) is not None


def needs(*flags):
    """Fails the test (the feature is missing, not the test wrong) when this build's serve lacks a flag."""
    missing = [flag for flag in flags if not has_flag(flag)]
    if missing:
        pytest.fail(f"feature missing: `guardpost-admin serve` has no {', '.join(missing)} in this build")


def flags(*pairs):
    """The serve arguments of `pairs` whose flag this build knows (the tests that need one check `needs`)."""
    args = []
    for pair in pairs:
        if has_flag(pair[0]):
            args.extend(pair)
    return args


def admin_cli_has(*words):
    result = subprocess.run([BINARY, *words, "--help"], capture_output=True, text=True, timeout=60)
    return result.returncode == 0


# --- loopback stand-ins --------------------------------------------------------------------------

class Web:
    """An HTTP server of the test's own on a loopback address. `routes` maps a path to (status, reason, headers,
    body); every request is recorded, so a test can tell whether Guardpost ever connected."""

    def __init__(self, host="127.0.0.1", routes=None, default=(404, "Not Found", {}, b"nothing here\n")):
        self.host = host
        self.routes = dict(routes or {})
        self.default = default
        self.hits = []
        web = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                web.hits.append(self.path)
                status, reason, headers, body = web.routes.get(self.path.split("?")[0], web.default)
                self.send_response(status, reason)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        server_class = ThreadingHTTPServer
        if ":" in host:
            class V6(ThreadingHTTPServer):
                address_family = socket.AF_INET6
            server_class = V6
        self.http = server_class((host, 0), Handler)
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def url(self, path="/"):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def close(self):
        self.http.shutdown()
        self.http.server_close()


class Trickle:
    """A feed on a loopback address that answers 200 with a large Content-Length, then one byte every `every` s."""

    def __init__(self, host="127.0.0.2", every=2.0, payload=b"SECRET-TRICKLE-" + uuid.uuid4().hex.encode()):
        self.payload = payload
        self.connections = 0
        self.stop = threading.Event()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, 0))
        self.listener.listen(16)
        self.host, self.port = host, self.listener.getsockname()[1]
        self.every = every
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        try:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n")
            index = 0
            while not self.stop.is_set():
                connection.sendall(self.payload[index % len(self.payload):][:1])
                index += 1
                self.stop.wait(self.every)
        except OSError:
            pass
        finally:
            connection.close()

    def url(self, path="/feed.txt"):
        return f"http://{self.host}:{self.port}{path}"

    def close(self):
        self.stop.set()
        self.listener.close()


def closed_port(host="127.0.0.1"):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def moto():
    """moto_server as the operator's S3, with its request log kept (to show which buckets Guardpost asked for)."""
    port = free_port()
    log_path = os.path.join(tempfile.mkdtemp(prefix="guardpost-moto-"), "moto.log")
    log = open(log_path, "w")
    process = subprocess.Popen(["moto_server", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(endpoint, timeout=0.5)
            break
        except requests.RequestException:
            time.sleep(0.1)
    import boto3
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="AKIAMOTOHARDEN000000", aws_secret_access_key="moto")

    class Moto:
        pass
    m = Moto()
    m.endpoint, m.s3, m.log_path = endpoint, s3, log_path
    m.log = lambda: open(log_path).read()
    yield m
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def hardened(lists_dir, moto):
    """The module's server: loopback 127.0.0.1 internal, 127.0.0.2 and 127.0.0.3 allowed feed hosts."""
    metrics_port = free_port()
    s = Server("hardening", extra_args=[
        "--lists-dir", lists_dir, "--s3-endpoint-url", moto.endpoint, "--export-interval-seconds", "1",
        *flags(("--allow-fetch-from", "127.0.0.2/32"), ("--allow-fetch-from", "127.0.0.3/32"), ("--fetch-timeout-seconds", "6"),
               ("--max-agents-per-account", "3"), ("--metrics-port", str(metrics_port))),
    ])
    s.metrics_port = metrics_port
    s.env["AWS_ACCESS_KEY_ID"] = "AKIAMOTOHARDEN000000"
    s.env["AWS_SECRET_ACCESS_KEY"] = "moto"
    s.start()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _restart_if_crashed(request):
    """An attack that kills the server fails its own test; the next test gets a server again."""
    if "hardened" in request.fixturenames:
        server = request.getfixturevalue("hardened")
        if server.process is not None and server.process.poll() is not None:
            server.start()
    yield


def new_account(server, region="us-east-1", **detector):
    account = server.create_account()
    account.detector = account.client(region).create_detector(Enable=True, **detector)["DetectorId"]
    return account


def wait_status(get, leave=("ACTIVATING",), seconds=60):
    """Polls until the list's status leaves `leave` (at most `seconds`); returns the last answer."""
    deadline = time.time() + seconds
    while True:
        got = get()
        if got["Status"] not in leave or time.time() > deadline:
            return got
        time.sleep(0.25)


def wait_for(predicate, seconds=40):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    return predicate()


def error_of(raised):
    error = raised.value.response["Error"]
    return raised.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"], error.get("Message", "")


def server_log(server):
    with open(server.log_path, errors="replace") as f:
        return f.read()


# --- rows 1 and 2: heartbeats whose numbers overflow ----------------------------------------------

def heartbeat_body(detector, agent=None, sources=(), **extra):
    """A heartbeat that passes every check but the one a test aims at (agent ids are 8 to 64 of [A-Za-z0-9-] and
    belong to one account, so each call gets a fresh one unless it names one)."""
    agent = agent or f"agent-{uuid.uuid4().hex[:16]}"
    body = {"agentId": agent, "detectorId": detector, "hostname": "attacker-host", "version": "0.4.0", "configVersion": 1,
            "sources": list(sources)}
    body.update(extra)
    return body


def source(data_source="FLOW_LOGS", records=1, errors=0, since=1, bytes_since=1, lag=None, path="/logs"):
    s = {"dataSource": data_source, "path": path, "records": records, "errors": errors, "recordsSinceLast": since, "bytesSinceLast": bytes_since}
    if lag is not None:
        s["lagSeconds"] = lag
    return s


def post_heartbeat(account, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return send(account.signed("POST", "/agent/v1/heartbeat", body=raw, headers={"content-type": "application/json"}))


def assert_usage_answers(account, detector):
    """GetUsageStatistics of every type Guardpost serves, in each unit, answers 200 with non-negative totals."""
    gd = account.client()
    for kind in ("SUM_BY_ACCOUNT", "SUM_BY_DATA_SOURCE", "SUM_BY_FEATURES", "TOP_ACCOUNTS_BY_FEATURE"):
        for unit in ("RECORDS", "BYTES", "USD"):
            criteria = {"Features": ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS", "S3_DATA_EVENTS"]} if "FEATURE" in kind else \
                {"DataSources": ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS", "S3_LOGS"]}
            got = gd.get_usage_statistics(DetectorId=detector, UsageStatisticType=kind, UsageCriteria=criteria, Unit=unit)
            assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
            for amount in re.findall(r"'Amount': '([^']*)'", str(got["UsageStatistics"])):
                assert not amount.startswith("-"), (kind, unit, got["UsageStatistics"])


def assert_refused_or_taken(response):
    assert response.status_code in (200, 400), f"{response.status_code} {response.text}"
    if response.status_code == 400:
        assert response.headers["x-amzn-ErrorType"] == "BadRequestException", response.headers


def test_row1_two_sources_adding_past_int64_max_do_not_crash_the_server(hardened):
    account = new_account(hardened)
    body = heartbeat_body(account.detector, sources=[source("FLOW_LOGS", records=1, since=INT64_MAX, bytes_since=INT64_MAX),
                                                     source("CLOUD_TRAIL", records=1, since=INT64_MAX, bytes_since=INT64_MAX, path="/ct")])
    assert_refused_or_taken(post_heartbeat(account, body))
    assert hardened.alive(), "the server process died on a heartbeat"
    # The same again, counted as a numbered usage report, and as cumulative counters.
    assert_refused_or_taken(post_heartbeat(account, dict(body, usageSequence=1)))
    assert_refused_or_taken(post_heartbeat(account, heartbeat_body(account.detector, sources=[
        source("FLOW_LOGS", records=INT64_MAX, errors=INT64_MAX), source("FLOW_LOGS", records=INT64_MAX, errors=INT64_MAX, path="/b")])))
    assert hardened.alive(), "the server process died on a heartbeat"
    assert_usage_answers(account, account.detector)
    gd = account.client()
    assert gd.list_coverage(DetectorId=account.detector)["ResponseMetadata"]["HTTPStatusCode"] == 200
    gd.get_coverage_statistics(DetectorId=account.detector, StatisticsType=["COUNT_BY_COVERAGE_STATUS"])
    assert hardened.alive()


@pytest.mark.parametrize("field", ["records", "errors", "recordsSinceLast", "bytesSinceLast"])
def test_row1_a_counter_above_2_to_the_53_is_a_400(hardened, field):
    account = new_account(hardened)
    counters = source("DNS_LOGS")
    counters[field] = SAFE_MAX + 1
    response = post_heartbeat(account, heartbeat_body(account.detector, sources=[counters]))
    assert response.status_code == 400, response.text
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert hardened.alive()
    # At the bound it is a number like any other.
    counters[field] = SAFE_MAX
    assert post_heartbeat(account, heartbeat_body(account.detector, sources=[counters])).status_code == 200


def test_row1_many_sources_each_within_bounds_summing_past_int64_max(hardened):
    """1,100 sources of 2^53 each add up past Int64.max: saturated, checked or refused — never a trap."""
    account = new_account(hardened)
    sources = [source(["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS"][i % 3], records=SAFE_MAX, since=SAFE_MAX, bytes_since=SAFE_MAX, path=f"/p{i}")
               for i in range(1100)]
    assert_refused_or_taken(post_heartbeat(account, heartbeat_body(account.detector, sources=sources, usageSequence=1)))
    assert hardened.alive(), "the server process died summing a heartbeat's sources"
    assert_usage_answers(account, account.detector)
    assert hardened.alive()


def test_row1_usage_stored_across_reports_adds_past_int64_max_without_trapping(hardened):
    """Numbered usage reports of 100 sources x 2^53 (each report valid) add past Int64.max in the stored daily sums
    after 11 reports: each answer is 200 (saturated) or a 400, never a 500 or a dead process."""
    account = new_account(hardened)
    agent = f"agent-{uuid.uuid4().hex[:16]}"
    answers = []
    for sequence in range(1, 14):
        sources = [source("FLOW_LOGS", records=SAFE_MAX, since=SAFE_MAX, bytes_since=SAFE_MAX, path=f"/p{i}") for i in range(100)]
        response = post_heartbeat(account, heartbeat_body(account.detector, agent=agent, sources=sources, usageSequence=sequence))
        assert_refused_or_taken(response)
        answers.append(response.status_code)
        assert hardened.alive(), f"the server process died on usage report {sequence}"
    assert answers[0] == 200, "a valid usage report was refused, so the sums were never exercised"
    assert_usage_answers(account, account.detector)
    assert hardened.alive()


@pytest.mark.parametrize("number", ["18446744073709551616", "1e300", "9223372036854775807.5", "-9223372036854775809"])
def test_row1_numbers_that_do_not_fit_are_refused_not_trapped(hardened, number):
    account = new_account(hardened)
    agent = f"agent-{uuid.uuid4().hex[:16]}"
    raw = ('{"agentId":"%s","detectorId":"%s","hostname":"h","version":"0.4.0","configVersion":%s,"usageSequence":%s,'
           '"sources":[{"dataSource":"FLOW_LOGS","path":"/l","records":%s,"errors":0,"lagSeconds":%s,"recordsSinceLast":%s,"bytesSinceLast":1}]}'
           % (agent, account.detector, number, number, number, number, number)).encode()
    # The same body with a small number is taken (so the 400 below is about the number).
    assert post_heartbeat(account, raw.replace(number.encode(), b"7")).status_code == 200
    response = post_heartbeat(account, raw)
    assert response.status_code == 400, response.text
    assert hardened.alive()
    account.client().list_coverage(DetectorId=account.detector)


@pytest.mark.parametrize("field", ["records", "errors", "recordsSinceLast", "bytesSinceLast"])
def test_row1_a_negative_counter_is_a_400(hardened, field):
    """A count of records cannot be negative (and a negative usage report would take usage away): a 400."""
    account = new_account(hardened)
    counters = source("FLOW_LOGS", records=5, since=5, bytes_since=5)
    counters[field] = -(2**62)
    response = post_heartbeat(account, heartbeat_body(account.detector, sources=[counters, source("FLOW_LOGS", path="/b")], usageSequence=1))
    assert response.status_code == 400, response.text
    assert hardened.alive()
    assert_usage_answers(account, account.detector)


def test_row1_extreme_lag_does_not_trap_in_coverage(hardened):
    account = new_account(hardened)
    body = heartbeat_body(account.detector, sources=[source("FLOW_LOGS", lag=1e308), source("DNS_LOGS", lag=-1e308, path="/d"),
                                                     source("CLOUD_TRAIL", lag=9.3e18, path="/c")])
    response = post_heartbeat(account, body)
    assert_refused_or_taken(response)
    assert hardened.alive()
    gd = account.client()
    gd.list_coverage(DetectorId=account.detector)
    gd.get_coverage_statistics(DetectorId=account.detector, StatisticsType=["COUNT_BY_COVERAGE_STATUS"])
    gd.get_coverage_statistics(DetectorId=account.detector, StatisticsType=["COUNT_BY_RESOURCE_TYPE"])
    assert hardened.alive()


@pytest.mark.parametrize("field", ["configVersion", "usageSequence"])
def test_row1_huge_versions_and_sequences_do_not_trap(hardened, field):
    account = new_account(hardened)
    agent = f"agent-{uuid.uuid4().hex[:16]}"
    assert_refused_or_taken(post_heartbeat(account, heartbeat_body(account.detector, agent=agent, sources=[source()], **{field: INT64_MAX})))
    assert hardened.alive()
    # The next report of the same agent (a sequence past Int64.max would trap if it were computed).
    assert_refused_or_taken(post_heartbeat(account, heartbeat_body(account.detector, agent=agent, sources=[source()], **{field: INT64_MAX})))
    assert hardened.alive()
    account.client().list_coverage(DetectorId=account.detector)
    assert_usage_answers(account, account.detector)


def test_row2_a_member_heartbeat_of_int64_max_dns_logs_does_not_break_the_administrators_usage(hardened):
    admin, admin_detector, member, member_detector = enrolled_pair(hardened)
    # A second member, so that the administrator's sums add two rows of Int64.max.
    second = hardened.create_account()
    second_detector = second.client().create_detector(Enable=True)["DetectorId"]
    gd = admin.client()
    gd.create_members(DetectorId=admin_detector, AccountDetails=[{"AccountId": second.account_id, "Email": "s@example.com"}])
    gd.invite_members(DetectorId=admin_detector, AccountIds=[second.account_id])
    invitation = second.client().list_invitations()["Invitations"][0]["InvitationId"]
    second.client().accept_administrator_invitation(DetectorId=second_detector, AdministratorId=admin.account_id, InvitationId=invitation)
    for account, detector in ((member, member_detector), (second, second_detector)):
        body = heartbeat_body(detector, agent=f"agent-{account.account_id}",
                              sources=[source("DNS_LOGS", records=1, since=INT64_MAX, bytes_since=INT64_MAX)], usageSequence=1)
        assert_refused_or_taken(post_heartbeat(account, body))
        assert hardened.alive(), "the server process died on a member's heartbeat"
    # Within bounds but adding past Int64.max across reports (12 x 100 x 2^53 per member) and across the members.
    taken = 0
    for sequence in range(2, 14):
        for account, detector in ((member, member_detector), (second, second_detector)):
            body = heartbeat_body(detector, agent=f"agent-{account.account_id}",
                                  sources=[source("DNS_LOGS", records=SAFE_MAX, since=SAFE_MAX, bytes_since=SAFE_MAX, path=f"/d{i}") for i in range(100)],
                                  usageSequence=sequence)
            response = post_heartbeat(account, body)
            assert_refused_or_taken(response)
            taken += response.status_code == 200
    assert taken >= 2, "no valid usage report was taken, so the sums were never exercised"
    assert hardened.alive()
    for _ in range(3):
        assert_usage_answers(admin, admin_detector)
        assert hardened.alive(), "the server process died on GetUsageStatistics"
    assert_usage_answers(member, member_detector)


# --- row 3: list activation as SSRF ---------------------------------------------------------------

def secret_web(host="127.0.0.1"):
    marker = "INTERNAL-SECRET-" + uuid.uuid4().hex
    body = f"{marker}\n10.9.8.7\nroot:x:0:0:{marker}:/root:/bin/bash\n".encode()
    web = Web(host, {"/secret.txt": (200, "OK", {"Content-Type": "text/plain"}, body),
                     "/fail": (500, marker, {}, body)})
    return web, marker


def normalised(text, *replacements):
    for old, new in replacements:
        text = text.replace(old, new)
    return text


def test_row3_a_list_at_an_internal_address_is_refused_and_nothing_comes_back(hardened):
    needs("--allow-fetch-from")
    internal, marker = secret_web("127.0.0.1")
    admin, admin_detector, member, member_detector = enrolled_pair(hardened)
    gd = admin.client()
    location = internal.url("/secret.txt")
    try:
        list_id = gd.create_threat_intel_set(DetectorId=admin_detector, Name="ssrf", Format="TXT", Location=location, Activate=True)["ThreatIntelSetId"]
    except ClientError as refused:
        # Refusing the location outright is as good: nothing fetched, nothing echoed.
        assert marker not in str(refused.response)
        assert internal.hits == []
        return
    got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=admin_detector, ThreatIntelSetId=list_id))
    assert got["Status"] == "ERROR", got
    assert internal.hits == [], f"Guardpost connected to the internal service: {internal.hits}"
    assert marker not in json.dumps(got, default=str)
    # The member's view of its administrator's list carries the same error and nothing more.
    seen = member.client().get_threat_intel_set(DetectorId=member_detector, ThreatIntelSetId=list_id)
    assert marker not in json.dumps(seen, default=str)
    assert marker not in server_log(hardened)
    internal.close()


def test_row3_open_and_closed_internal_ports_give_the_same_error(hardened):
    needs("--allow-fetch-from")
    internal, marker = secret_web("127.0.0.1")
    closed = closed_port("127.0.0.1")
    account = new_account(hardened)
    gd = account.client()
    details = []
    for port in (internal.port, closed):
        location = f"http://127.0.0.1:{port}/secret.txt"
        list_id = gd.create_threat_intel_set(DetectorId=account.detector, Name=f"probe-{port}", Format="TXT", Location=location, Activate=True)["ThreatIntelSetId"]
        got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=account.detector, ThreatIntelSetId=list_id))
        assert got["Status"] == "ERROR", got
        details.append(normalised(got.get("ErrorDetails", ""), (location, "LOCATION"), (str(port), "PORT")))
        gd.delete_threat_intel_set(DetectorId=account.detector, ThreatIntelSetId=list_id)
    assert internal.hits == []
    assert details[0] == details[1], f"open and closed ports are told apart: {details}"
    assert marker not in details[0]
    internal.close()


@pytest.mark.parametrize("spelling", ["localhost", "127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]", "127.000.000.001"])
def test_row3_other_spellings_of_an_internal_address_are_refused(hardened, spelling):
    needs("--allow-fetch-from")
    internal, marker = secret_web("127.0.0.1")
    account = new_account(hardened)
    gd = account.client()
    location = f"http://{spelling}:{internal.port}/secret.txt"
    try:
        list_id = gd.create_threat_intel_set(DetectorId=account.detector, Name="spelled", Format="TXT", Location=location, Activate=True)["ThreatIntelSetId"]
        got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=account.detector, ThreatIntelSetId=list_id))
        assert got["Status"] == "ERROR", got
        assert marker not in json.dumps(got, default=str)
    except ClientError as refused:
        assert refused.response["Error"]["Code"] == "BadRequestException"
    assert internal.hits == [], f"Guardpost connected to the internal service through {spelling}"
    internal.close()


def test_row3_ipv6_loopback_is_refused(hardened):
    needs("--allow-fetch-from")
    internal, marker = secret_web("::1")
    account = new_account(hardened)
    gd = account.client()
    try:
        list_id = gd.create_threat_intel_set(DetectorId=account.detector, Name="v6", Format="TXT", Location=internal.url("/secret.txt"), Activate=True)["ThreatIntelSetId"]
        got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=account.detector, ThreatIntelSetId=list_id))
        assert got["Status"] == "ERROR", got
        assert marker not in json.dumps(got, default=str)
    except ClientError as refused:
        assert refused.response["Error"]["Code"] == "BadRequestException"
    assert internal.hits == [], "Guardpost connected to [::1]"
    internal.close()


def test_row3_a_redirect_from_an_allowed_host_to_an_internal_one_is_refused(hardened):
    needs("--allow-fetch-from")
    internal, marker = secret_web("127.0.0.1")
    public = Web("127.0.0.2", {
        "/list.txt": (302, "Found", {"Location": internal.url("/secret.txt?" + marker.lower())}, b""),
        "/good.txt": (200, "OK", {}, b"198.51.100.77\n"),
    })
    hop = Web("127.0.0.3", {"/next.txt": (307, "Temporary", {"Location": f"http://localhost:{internal.port}/secret.txt"}, b"")})
    public.routes["/hop.txt"] = (301, "Moved", {"Location": hop.url("/next.txt")}, b"")
    account = new_account(hardened)
    gd = account.client()
    # The allowed host itself works: the operator's --allow-fetch-from is in force.
    good = gd.create_threat_intel_set(DetectorId=account.detector, Name="good", Format="TXT", Location=public.url("/good.txt"), Activate=True)["ThreatIntelSetId"]
    assert wait_status(lambda: gd.get_threat_intel_set(DetectorId=account.detector, ThreatIntelSetId=good))["Status"] == "ACTIVE"
    for name, path in (("redirect", "/list.txt"), ("two-hops", "/hop.txt")):
        list_id = gd.create_threat_intel_set(DetectorId=account.detector, Name=name, Format="TXT", Location=public.url(path), Activate=True)["ThreatIntelSetId"]
        got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=account.detector, ThreatIntelSetId=list_id))
        assert got["Status"] == "ERROR", got
        # Not even the answer's Location header comes back.
        assert marker not in json.dumps(got, default=str) and marker.lower() not in json.dumps(got, default=str), got
    assert "/list.txt" in public.hits and "/next.txt" in hop.hits, "the allowed hosts were not even asked"
    assert internal.hits == [], f"a redirect reached the internal service: {internal.hits}"
    assert marker not in server_log(hardened)
    for web in (internal, public, hop):
        web.close()


def names_lines(details, *numbers):
    """errorDetails name these line numbers ("line 2", "lines 2, 4"…)."""
    return all(re.search(rf"\blines?\b[^;.]*?\b{n}\b", details) for n in numbers)


def test_row3_a_redirect_to_another_scheme_is_refused(hardened, lists_dir):
    """http(s) redirects go to http(s) only: not to file:// (outside or inside --lists-dir) nor to s3://."""
    needs("--allow-fetch-from")
    marker = "LISTS-DIR-SECRET-" + uuid.uuid4().hex
    inside = os.path.join(lists_dir, f"other-tenant-{uuid.uuid4().hex[:6]}.txt")
    with open(inside, "w") as f:
        f.write(f"198.51.100.99\nsecret line {marker}\n")
    public = Web("127.0.0.2", {
        "/to-passwd.txt": (302, "Found", {"Location": "file:///etc/passwd"}, b""),
        "/to-lists-dir.txt": (302, "Found", {"Location": f"file://{inside}"}, b""),
        "/to-s3.txt": (302, "Found", {"Location": "s3://some-bucket/key.txt"}, b""),
    })
    account = new_account(hardened)
    gd = account.client()
    for name in ("to-passwd", "to-lists-dir", "to-s3"):
        list_id = gd.create_threat_entity_set(DetectorId=account.detector, Name=name, Format="TXT", Location=public.url(f"/{name}.txt"),
                                              Activate=True)["ThreatEntitySetId"]
        got = wait_status(lambda: gd.get_threat_entity_set(DetectorId=account.detector, ThreatEntitySetId=list_id))
        assert got["Status"] == "ERROR", (name, got)
        assert marker not in json.dumps(got, default=str) and "root:" not in got.get("ErrorDetails", "")
        gd.delete_threat_entity_set(DetectorId=account.detector, ThreatEntitySetId=list_id)
    assert len(public.hits) == 3
    public.close()


def test_row3_fetched_bytes_never_come_back_from_an_allowed_host(hardened):
    """Even where fetching is allowed, errorDetails carry counts, line numbers and status codes — not the file's
    bytes, and not the answer's reason phrase."""
    needs("--allow-fetch-from")
    marker = "FEED-SECRET-" + uuid.uuid4().hex
    public = Web("127.0.0.3", {
        "/mixed.txt": (200, "OK", {}, f"198.51.100.1\nsecret line {marker}\n203.0.113.5\n300.1.1.1/{marker}\n".encode()),
        "/garbage.txt": (200, "OK", {}, f"{marker} x\n{marker} again\n".encode()),
        "/fail.txt": (503, marker, {}, marker.encode()),
    })
    admin, admin_detector, member, member_detector = enrolled_pair(hardened)
    gd = admin.client()
    results = {}
    # Entity lists report malformed lines (IP lists count names as entries of another kind).
    for name in ("mixed", "garbage", "fail"):
        list_id = gd.create_threat_entity_set(DetectorId=admin_detector, Name=name, Format="TXT", Location=public.url(f"/{name}.txt"), Activate=True)["ThreatEntitySetId"]
        results[name] = wait_status(lambda: gd.get_threat_entity_set(DetectorId=admin_detector, ThreatEntitySetId=list_id))
        assert marker not in json.dumps(results[name], default=str), results[name]
        seen = member.client().get_threat_entity_set(DetectorId=member_detector, ThreatEntitySetId=list_id)
        assert marker not in json.dumps(seen, default=str)
    assert results["mixed"]["Status"] == "ACTIVE" and "2 malformed" in results["mixed"].get("ErrorDetails", ""), results["mixed"]
    assert names_lines(results["mixed"]["ErrorDetails"], 2, 4), results["mixed"]
    assert results["garbage"]["Status"] == "ERROR" and results["fail"]["Status"] == "ERROR"
    assert "503" in results["fail"]["ErrorDetails"], results["fail"]
    assert marker not in server_log(hardened)
    public.close()


# --- row 4: S3 per account -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def buckets(moto):
    secret = "S3-SECRET-" + uuid.uuid4().hex
    suffix = uuid.uuid4().hex[:8]
    names = {"victim": f"victim-{suffix}", "attacker": f"attacker-{suffix}"}
    for name in names.values():
        moto.s3.create_bucket(Bucket=name)
    moto.s3.put_object(Bucket=names["victim"], Key="secret.txt", Body=f"198.51.100.200\n{secret}\n".encode())
    moto.s3.put_object(Bucket=names["attacker"], Key="ok.txt", Body=b"198.51.100.201\n")
    names["secret"] = secret
    return names


def s3_requests_for(moto, bucket, since):
    return [line for line in moto.log()[since:].splitlines() if f"/{bucket}" in line]


def test_s3_grants_are_listed_and_removed_with_the_cli(hardened, buckets):
    if not admin_cli_has("s3", "allow"):
        pytest.fail("feature missing: `guardpost-admin s3 allow` does not exist in this build")
    account = new_account(hardened)
    bucket = "grant-" + uuid.uuid4().hex[:8]
    hardened.s3_allow(account.account_id, bucket)
    grants = json.loads(hardened.cli("s3", "list").stdout)
    assert {"accountId": account.account_id, "bucket": bucket} in grants
    hardened.cli("s3", "remove", "--account-id", account.account_id, "--bucket", bucket)
    assert {"accountId": account.account_id, "bucket": bucket} not in json.loads(hardened.cli("s3", "list").stdout)
    gd = account.client()
    with pytest.raises(ClientError) as refused:
        gd.create_threat_intel_set(DetectorId=account.detector, Name="revoked", Format="TXT", Location=f"s3://{bucket}/x.txt", Activate=True)
    status, code, message = error_of(refused)
    assert (status, code) == (400, "BadRequestException") and "guardpost-admin s3 allow" in message


def test_row4_a_list_in_a_bucket_not_granted_is_refused_and_never_read(hardened, moto, buckets):
    victim, attacker = new_account(hardened), new_account(hardened)
    hardened.s3_allow(victim.account_id, buckets["victim"], check=False)
    hardened.s3_allow(attacker.account_id, buckets["attacker"], check=False)
    gd = attacker.client()
    since = len(moto.log())
    # The attacker's own bucket works.
    ok = gd.create_threat_intel_set(DetectorId=attacker.detector, Name="mine", Format="TXT", Location=f"s3://{buckets['attacker']}/ok.txt", Activate=True)["ThreatIntelSetId"]
    assert wait_status(lambda: gd.get_threat_intel_set(DetectorId=attacker.detector, ThreatIntelSetId=ok))["Status"] == "ACTIVE"
    victim_bucket = buckets["victim"]
    locations = [
        f"s3://{victim_bucket}/secret.txt",
        f"https://s3.amazonaws.com/{victim_bucket}/secret.txt",
        f"https://{victim_bucket}.s3.amazonaws.com/secret.txt",
        f"https://s3.us-east-1.amazonaws.com/{victim_bucket}/secret.txt",
    ]
    for index, location in enumerate(locations):
        with pytest.raises(ClientError) as refused:
            gd.create_threat_intel_set(DetectorId=attacker.detector, Name=f"steal-{index}", Format="TXT", Location=location, Activate=True)
        status, code, message = error_of(refused)
        assert (status, code) == (400, "BadRequestException"), (location, refused.value.response)
        assert "guardpost-admin s3 allow" in message, message
        assert buckets["secret"] not in message
    # Nor by changing the location of a list the attacker already has.
    with pytest.raises(ClientError) as refused:
        gd.update_threat_intel_set(DetectorId=attacker.detector, ThreatIntelSetId=ok, Location=f"s3://{victim_bucket}/secret.txt", Activate=True)
    assert error_of(refused)[:2] == (400, "BadRequestException")
    time.sleep(2)
    assert s3_requests_for(moto, victim_bucket, since) == [], "Guardpost asked S3 for the victim's bucket"
    assert all(buckets["secret"] not in json.dumps(gd.get_threat_intel_set(DetectorId=attacker.detector, ThreatIntelSetId=i), default=str)
               for i in gd.list_threat_intel_sets(DetectorId=attacker.detector)["ThreatIntelSetIds"])


@pytest.mark.parametrize("key", ["../{victim}/secret.txt", "a/../../{victim}/secret.txt", "./ok.txt", "a//ok.txt", "/ok.txt", "a/./ok.txt", "a/..", ""])
def test_row4_keys_with_empty_or_dot_segments_are_refused(hardened, moto, buckets, key):
    attacker = new_account(hardened)
    hardened.s3_allow(attacker.account_id, buckets["attacker"], check=False)
    gd = attacker.client()
    since = len(moto.log())
    location = f"s3://{buckets['attacker']}/" + key.format(victim=buckets["victim"])
    with pytest.raises(ClientError) as refused:
        list_id = gd.create_threat_intel_set(DetectorId=attacker.detector, Name="dots", Format="TXT", Location=location, Activate=True)["ThreatIntelSetId"]
        # Accepted: show what it read before failing the test.
        time.sleep(3)
        pytest.fail(f"{location} accepted: {gd.get_threat_intel_set(DetectorId=attacker.detector, ThreatIntelSetId=list_id)}")
    assert error_of(refused)[:2] == (400, "BadRequestException"), refused.value.response
    time.sleep(1)
    assert s3_requests_for(moto, buckets["victim"], since) == []


def test_row4_a_publishing_destination_in_another_accounts_bucket_is_refused(hardened, moto, buckets):
    victim, attacker = new_account(hardened), new_account(hardened)
    hardened.s3_allow(victim.account_id, buckets["victim"], check=False)
    hardened.s3_allow(attacker.account_id, buckets["attacker"], check=False)
    gd = attacker.client()
    since = len(moto.log())
    for arn in (f"arn:aws:s3:::{buckets['victim']}", f"arn:aws:s3:::{buckets['victim']}/findings/",
                f"arn:aws:s3:::{buckets['attacker']}/../{buckets['victim']}/", f"arn:aws:s3:::{buckets['attacker']}/a//b/"):
        with pytest.raises(ClientError) as refused:
            gd.create_publishing_destination(DetectorId=attacker.detector, DestinationType="S3",
                                             DestinationProperties={"DestinationArn": arn, "KmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/x"})
        status, code, message = error_of(refused)
        assert (status, code) == (400, "BadRequestException"), (arn, refused.value.response)
        if buckets["victim"] in arn and ".." not in arn:
            assert "guardpost-admin s3 allow" in message, message
    # A destination in the attacker's own bucket cannot be moved into the victim's.
    own = gd.create_publishing_destination(DetectorId=attacker.detector, DestinationType="S3",
                                           DestinationProperties={"DestinationArn": f"arn:aws:s3:::{buckets['attacker']}/export/",
                                                                  "KmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/x"})["DestinationId"]
    with pytest.raises(ClientError) as refused:
        gd.update_publishing_destination(DetectorId=attacker.detector, DestinationId=own,
                                         DestinationProperties={"DestinationArn": f"arn:aws:s3:::{buckets['victim']}/export/"})
    assert error_of(refused)[:2] == (400, "BadRequestException")
    ingest(attacker, attacker.detector, [finding(attacker.account_id, attacker.detector, "exfil-1")])
    time.sleep(4)
    written = [line for line in s3_requests_for(moto, buckets["victim"], since) if '"PUT ' in line or '"HEAD ' in line or '"POST ' in line]
    assert written == [], f"Guardpost wrote to or probed the victim's bucket: {written}"
    assert "Contents" not in moto.s3.list_objects_v2(Bucket=buckets["victim"], Prefix="export/")


# --- row 5: STIX 1.x that the old parser took quadratic time over ---------------------------------

@pytest.mark.parametrize("size", [112 * 1024, 2 * 1024 * 1024])
def test_row5_repeated_value_tags_in_stix1_leave_activating_within_a_bounded_wait(hardened, lists_dir, size):
    path = os.path.join(lists_dir, f"values-{size}.xml")
    with open(path, "w") as f:
        f.write('<?xml version="1.0"?>\n<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1">\n')
        f.write("<Value " * (size // 7))
    account = new_account(hardened)
    gd = account.client()
    list_id = gd.create_threat_intel_set(DetectorId=account.detector, Name="values", Format="STIX", Location=f"file://{path}", Activate=True)["ThreatIntelSetId"]
    got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=account.detector, ThreatIntelSetId=list_id), seconds=60)
    assert got["Status"] != "ACTIVATING", "the list is still ACTIVATING after 60 s"
    assert got["Status"] == "ERROR", got
    assert "<Value" not in got.get("ErrorDetails", "")
    # Other tenants' lists still activate.
    other = new_account(hardened)
    good = os.path.join(lists_dir, f"good-{size}.txt")
    with open(good, "w") as f:
        f.write("198.51.100.9\n")
    other_id = other.client().create_threat_intel_set(DetectorId=other.detector, Name="good", Format="TXT", Location=f"file://{good}", Activate=True)["ThreatIntelSetId"]
    assert wait_status(lambda: other.client().get_threat_intel_set(DetectorId=other.detector, ThreatIntelSetId=other_id))["Status"] == "ACTIVE"


def test_row5_a_valid_stix1_list_still_activates(hardened, lists_dir):
    """The streaming parser still reads what the old one did (a control for the test above)."""
    path = os.path.join(lists_dir, "stix1-good.xml")
    with open(path, "w") as f:
        f.write("""<?xml version="1.0"?>
<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:cybox="http://cybox.mitre.org/cybox-2"
    xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2">
 <stix:Observables><cybox:Observable><cybox:Object><cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr"
   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><AddressObj:Address_Value>198.51.100.44</AddressObj:Address_Value>
 </cybox:Properties></cybox:Object></cybox:Observable></stix:Observables>
</stix:STIX_Package>
""")
    account = new_account(hardened)
    gd = account.client()
    list_id = gd.create_threat_intel_set(DetectorId=account.detector, Name="stix1", Format="STIX", Location=f"file://{path}", Activate=True)["ThreatIntelSetId"]
    got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=account.detector, ThreatIntelSetId=list_id))
    assert got["Status"] == "ACTIVE", got


# --- row 6: a slow feed holds only its own account -------------------------------------------------

def test_row6_a_trickling_feed_does_not_hold_other_accounts_lists(hardened, lists_dir):
    needs("--allow-fetch-from", "--fetch-timeout-seconds")
    trickle = Trickle("127.0.0.2", every=2.0)
    attacker, victim = new_account(hardened), new_account(hardened)
    agd, vgd = attacker.client(), victim.client()
    slow = [agd.create_threat_intel_set(DetectorId=attacker.detector, Name=f"slow-{i}", Format="TXT", Location=trickle.url(f"/feed{i}.txt"),
                                        Activate=True)["ThreatIntelSetId"] for i in range(6)]
    slow_ip = agd.create_ip_set(DetectorId=attacker.detector, Name="slow-ip", Format="TXT", Location=trickle.url("/ip.txt"), Activate=True)["IpSetId"]
    assert wait_for(lambda: trickle.connections >= 1, 30), "the slow feed was never asked"
    path = os.path.join(lists_dir, "victim-during-trickle.txt")
    with open(path, "w") as f:
        f.write("198.51.100.10\n")
    good = vgd.create_threat_intel_set(DetectorId=victim.detector, Name="victim", Format="TXT", Location=f"file://{path}", Activate=True)["ThreatIntelSetId"]
    got = wait_status(lambda: vgd.get_threat_intel_set(DetectorId=victim.detector, ThreatIntelSetId=good), seconds=60)
    still = [agd.get_threat_intel_set(DetectorId=attacker.detector, ThreatIntelSetId=i)["Status"] for i in slow]
    assert got["Status"] == "ACTIVE", got
    assert "ACTIVATING" in still, f"the victim's list was only activated after the attacker's slow lists ({still})"
    # Every slow list ends in ERROR once its fetch deadline has passed; the trickled bytes never come back.
    for list_id in slow:
        ended = wait_status(lambda: agd.get_threat_intel_set(DetectorId=attacker.detector, ThreatIntelSetId=list_id), seconds=120)
        assert ended["Status"] == "ERROR", ended
        assert trickle.payload.decode()[:12] not in ended.get("ErrorDetails", "")
    ended = wait_status(lambda: agd.get_ip_set(DetectorId=attacker.detector, IpSetId=slow_ip), seconds=60)
    assert ended["Status"] == "ERROR", ended
    trickle.close()


def test_row6_a_feed_below_the_minimum_rate_is_abandoned_before_the_deadline(strict):
    """With the default 120 s deadline, a feed of 2 bytes a second is abandoned once the 10 s grace is over
    (waited for at most 60 s)."""
    needs("--allow-fetch-from", "--fetch-min-bytes-per-second")
    trickle = Trickle("127.0.0.2", every=0.5)
    account = strict.create_account()
    gd = account.client()
    detector = gd.create_detector(Enable=True)["DetectorId"]
    list_id = gd.create_threat_intel_set(DetectorId=detector, Name="crawl", Format="TXT", Location=trickle.url(), Activate=True)["ThreatIntelSetId"]
    assert wait_for(lambda: trickle.connections >= 1, 30), "the feed was never asked"
    got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=detector, ThreatIntelSetId=list_id), seconds=60)
    trickle.close()
    assert got["Status"] == "ERROR", got
    assert trickle.payload.decode()[:12] not in got.get("ErrorDetails", "")


# --- row 7 and 8: console sessions end with their key, and only served regions --------------------

def test_row7_a_revoked_key_ends_its_console_sessions(hardened):
    account = new_account(hardened, FindingPublishingFrequency="SIX_HOURS")
    second = json.loads(hardened.cli("accounts", "create-key", "--account-id", account.account_id).stdout)
    doomed, kept = Console(hardened), Console(hardened)
    assert doomed.sign_in(second["accessKeyId"], second["secretAccessKey"]).status_code in (302, 303) and doomed.token
    assert kept.sign_in(account.access_key_id, account.secret_access_key).status_code in (302, 303) and kept.token
    assert doomed.get("/console/settings").status_code == 200
    csrf = doomed.csrf()
    assert csrf
    hardened.cli("accounts", "revoke-key", "--access-key-id", second["accessKeyId"])
    for path in ("/console", "/console/settings", "/console/findings"):
        assert signed_out(doomed.get(path)), f"{path} still served to a session of a revoked key"
    changed = doomed.post("/console/settings/frequency", {"findingPublishingFrequency": "FIFTEEN_MINUTES"}, csrf=csrf)
    assert signed_out(changed), changed.status_code
    assert account.client().get_detector(DetectorId=account.detector)["FindingPublishingFrequency"] == "SIX_HOURS"
    # The session of the key that still works goes on.
    assert kept.get("/console/settings").status_code == 200
    # Signing in again with the revoked key is refused.
    again = Console(hardened)
    assert again.sign_in(second["accessKeyId"], second["secretAccessKey"]).status_code not in (302, 303) and not again.token


def test_row8_the_console_refuses_a_region_the_server_does_not_serve(hardened):
    account = new_account(hardened)
    for region in ("ap-south-1", "mars-north-1", "us-east-1\"><script>", "../us-east-1"):
        console = Console(hardened)
        answer = console.sign_in(account.access_key_id, account.secret_access_key, region=region)
        assert not console.token, f"a session cookie for {region!r}"
        assert answer.status_code not in (302, 303) or "/console/login" in answer.headers.get("location", ""), answer.status_code
        assert not console.get("/console").status_code == 200


def test_row8_a_region_disabled_after_sign_in_ends_the_console_there(hardened):
    account = hardened.create_account()
    detector = account.client("ap-northeast-2").create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")["DetectorId"]
    console = Console(hardened)
    console.sign_in(account.access_key_id, account.secret_access_key, region="ap-northeast-2")
    assert console.token and console.get("/console/settings").status_code == 200
    csrf = console.csrf()
    hardened.cli("regions", "disable", "ap-northeast-2")
    try:
        page = console.get("/console/settings")
        assert page.status_code != 200, "a page of a disabled region was served"
        changed = console.post("/console/settings/frequency", {"findingPublishingFrequency": "FIFTEEN_MINUTES"}, csrf=csrf)
        assert changed.status_code not in (302, 303) or signed_out(changed), (changed.status_code, changed.headers)
    finally:
        hardened.cli("regions", "enable", "ap-northeast-2")
    assert account.client("ap-northeast-2").get_detector(DetectorId=detector)["FindingPublishingFrequency"] == "SIX_HOURS"


# --- row 9: the signature binds the request that runs ---------------------------------------------

def assert_bad_request(response, what):
    assert response.status_code == 400, f"{what}: {response.status_code} {response.text}"
    assert response.headers.get("x-amzn-errortype") == "BadRequestException", f"{what}: {response.headers}"


def test_row9_the_raw_request_helper_works(hardened):
    """A control: a canonical request sent the same way is answered."""
    account = new_account(hardened)
    response = send_raw(account, "GET", "/detector")
    assert response.status_code == 200 and response.json()["detectorIds"] == [account.detector]


@pytest.mark.parametrize("raw_path", [
    "/detector/../detector", "/detector/./", "/./detector", "/x/../detector", "//detector", "/detector//",
    "/%64etector", "/detector/%2E%2E/detector", "/detector/%2e/", "/det%65ctor", "/detector/%7E",
    "/agent/v1/lists/../config", "/agent/v1/./config", "/console/../detector", "/invitation/count/..",
])
def test_row9_non_canonical_paths_are_refused_before_routing(hardened, raw_path):
    account = new_account(hardened)
    # Signed over the path as botocore normalises it, and signed over the raw path verbatim.
    assert_bad_request(send_raw(account, "GET", raw_path), f"{raw_path} (botocore's canonical path)")
    assert_bad_request(send_raw(account, "GET", raw_path, canonical_path=raw_path), f"{raw_path} (signed verbatim)")


def test_row9_dot_segments_cannot_reach_another_detector_route(hardened):
    account = new_account(hardened, FindingPublishingFrequency="SIX_HOURS")
    body = json.dumps({"findingPublishingFrequency": "FIFTEEN_MINUTES"}).encode()
    for raw_path in (f"/detector/{account.detector}/filter/..", f"/detector/{account.detector}/member/../."):
        for canonical in (None, raw_path):
            response = send_raw(account, "POST", raw_path, body=body, headers={"Content-Type": "application/json"}, canonical_path=canonical)
            assert_bad_request(response, raw_path)
    assert account.client().get_detector(DetectorId=account.detector)["FindingPublishingFrequency"] == "SIX_HOURS"


def test_row9_percent_encoded_unreserved_characters_in_a_parameter_are_refused(hardened):
    account = new_account(hardened)
    arn = f"arn:aws:guardduty:us-east-1:{account.account_id}:detector/{account.detector}"
    encoded = quote(arn, safe="")
    assert send_raw(account, "GET", f"/tags/{encoded}").status_code == 200  # reserved characters encoded: canonical
    sneaky = "%61" + encoded[1:]  # 'a' as %61
    assert_bad_request(send_raw(account, "GET", f"/tags/{sneaky}"), "/tags/%61rn…")
    assert_bad_request(send_raw(account, "GET", f"/detector/%{ord(account.detector[0]):02X}{account.detector[1:]}"), "detector id with %xx")


def test_row9_plus_in_a_query_is_a_literal_plus_for_signature_and_handler_alike(hardened):
    account = new_account(hardened)
    gd = account.client()
    arn = f"arn:aws:guardduty:us-east-1:{account.account_id}:detector/{account.detector}"
    target = f"/tags/{quote(arn, safe='')}"
    for spelled in ("a+b", "a%2Bb"):
        gd.tag_resource(ResourceArn=arn, Tags={"a+b": "plus", "a b": "space"})
        # SigV4's canonical query encodes '+' as %2B: the signature says "a+b" either way.
        response = send_raw(account, "DELETE", f"{target}?tagKeys={spelled}", canonical_query="tagKeys=a%2Bb")
        assert response.status_code == 204, f"tagKeys={spelled}: {response.status_code} {response.text}"
        assert gd.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"a b": "space"}, spelled
    # Decoded once: %252B is the three characters %2B, not a plus.
    gd.tag_resource(ResourceArn=arn, Tags={"a+b": "plus", "a%2Bb": "literal"})
    response = send_raw(account, "DELETE", f"{target}?tagKeys=a%252Bb", canonical_query="tagKeys=a%252Bb")
    assert response.status_code == 204, response.text
    assert gd.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"a b": "space", "a+b": "plus"}
    gd.untag_resource(ResourceArn=arn, TagKeys=["a+b"])
    # A space is %20 (a signature over '+' does not verify a request that means a space, and the reverse).
    gd.tag_resource(ResourceArn=arn, Tags={"a+b": "plus", "a b": "space"})
    response = send_raw(account, "DELETE", f"{target}?tagKeys=a+b", canonical_query="tagKeys=a%20b")
    assert response.status_code == 403 and response.headers.get("x-amzn-errortype") == "InvalidSignatureException", response.text
    assert gd.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"a+b": "plus", "a b": "space"}


def test_row9_plus_and_percent_2b_in_next_token_mean_the_same(hardened):
    account = new_account(hardened)
    answers = []
    for spelled in ("a+b", "a%2Bb"):
        response = send_raw(account, "GET", f"/detector?nextToken={spelled}", canonical_query="nextToken=a%2Bb")
        assert response.status_code != 403, f"nextToken={spelled} failed its signature: {response.text}"
        answers.append((response.status_code, response.headers.get("x-amzn-errortype"), response.json() if response.content else None))
    assert answers[0] == answers[1]


# --- row 10: slow clients are cut off --------------------------------------------------------------

@pytest.fixture(scope="module")
def strict():
    """A server with short read timeouts and a cap of 4 connections per client address."""
    s = Server("hardening-slow", extra_args=flags(("--request-head-timeout", "2"), ("--request-body-timeout", "2"),
                                                  ("--max-connections-per-address", "4"), ("--allow-fetch-from", "127.0.0.2/32"),
                                                  ("--fetch-min-bytes-per-second", "1024")))
    s.start()
    yield s
    s.stop()


def wait_closed(sock, seconds, trickle=b""):
    """Reads (and trickles a byte of `trickle` every 0.5 s) until the peer closes; True if closed within `seconds`."""
    deadline = time.time() + seconds
    index = 0
    while time.time() < deadline:
        if index < len(trickle):
            try:
                sock.send(trickle[index:index + 1])
            except OSError:
                return True
            index += 1
        readable, _, _ = select.select([sock], [], [], 0.5)
        if readable:
            try:
                if sock.recv(65536) == b"":
                    return True
            except OSError:
                return True
    return False


def health(server, **kwargs):
    return requests.get(server.endpoint + "/health", timeout=10, **kwargs).status_code


def test_row10_a_request_head_trickled_byte_by_byte_is_cut_off(strict):
    needs("--request-head-timeout")
    sock = socket.create_connection(("127.0.0.1", strict.port), timeout=10)
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("closed", wait_closed(sock, 30, trickle=head)))
    thread.start()
    time.sleep(1)
    assert health(strict) == 200, "the server stopped serving others"
    thread.join(timeout=40)
    assert result.get("closed"), "a connection trickling its request head stayed open for 30 s"
    sock.close()
    assert health(strict) == 200


def test_row10_a_body_that_never_arrives_is_cut_off(strict):
    needs("--request-body-timeout")
    account = strict.create_account()
    sock = socket.create_connection(("127.0.0.1", strict.port), timeout=10)
    sock.sendall(f"POST /detector HTTP/1.1\r\nHost: 127.0.0.1:{strict.port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n".encode()
                 + b'{"enable":')
    assert health(strict) == 200
    assert wait_closed(sock, 30), "a connection whose body never came stayed open for 30 s"
    sock.close()
    assert account.client().list_detectors()["DetectorIds"] == []


def test_row10_an_idle_keep_alive_connection_is_closed(strict):
    needs("--request-head-timeout")
    sock = socket.create_connection(("127.0.0.1", strict.port), timeout=10)
    sock.sendall(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{strict.port}\r\n\r\n".encode())
    first = sock.recv(65536)
    assert first.startswith(b"HTTP/1.1 200"), first
    assert wait_closed(sock, 30), "an idle keep-alive connection stayed open for 30 s"
    sock.close()


def test_row10_connections_past_the_cap_from_one_address_are_closed(strict):
    needs("--max-connections-per-address")
    holders = []
    try:
        for _ in range(4):
            sock = socket.create_connection(("127.0.0.1", strict.port), timeout=10, source_address=("127.0.0.5", 0))
            sock.sendall(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{strict.port}\r\n\r\n".encode())
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            holders.append(sock)
        fifth = socket.create_connection(("127.0.0.1", strict.port), timeout=10, source_address=("127.0.0.5", 0))
        try:
            fifth.sendall(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{strict.port}\r\n\r\n".encode())
            answer = fifth.recv(65536)
        except OSError:
            answer = b""
        fifth.close()
        assert not answer.startswith(b"HTTP/1.1 200"), "a fifth connection from one address was served"
        # Another address is not affected.
        assert health(strict) == 200
    finally:
        for sock in holders:
            sock.close()
    time.sleep(0.5)
    again = socket.create_connection(("127.0.0.1", strict.port), timeout=10, source_address=("127.0.0.5", 0))
    again.sendall(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{strict.port}\r\n\r\n".encode())
    assert again.recv(65536).startswith(b"HTTP/1.1 200"), "the address stayed locked out after its connections closed"
    again.close()


# --- row 11: agents per account ------------------------------------------------------------------

def test_row11_agents_per_account_are_bounded(hardened):
    needs("--max-agents-per-account")
    account, other = new_account(hardened), new_account(hardened)
    for index in range(3):
        response = post_heartbeat(account, heartbeat_body(account.detector, agent=f"agent-{account.account_id}-{index}", sources=[source()]))
        assert response.status_code == 200, response.text
    fourth = post_heartbeat(account, heartbeat_body(account.detector, agent=f"agent-{account.account_id}-3", sources=[source()]))
    assert fourth.status_code == 400 and fourth.headers["x-amzn-ErrorType"] == "BadRequestException", fourth.text
    assert "3" in fourth.json()["message"], fourth.json()
    # Known agents go on; other accounts have their own allowance.
    assert post_heartbeat(account, heartbeat_body(account.detector, agent=f"agent-{account.account_id}-0", sources=[source()])).status_code == 200
    assert post_heartbeat(other, heartbeat_body(other.detector, agent=f"agent-{other.account_id}-0", sources=[source()])).status_code == 200
    resources = account.client().list_coverage(DetectorId=account.detector)["Resources"]
    assert sorted(r["ResourceId"] for r in resources) == [f"agent-{account.account_id}-{i}" for i in range(3)]


# --- row 12: console forms are decoded, never pasted into JSON -------------------------------------

def test_row12_a_frequency_form_value_cannot_inject_json_fields(hardened):
    account = hardened.create_account()
    gd = account.client()
    detector = gd.create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS",
                                  Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])["DetectorId"]
    before = gd.get_detector(DetectorId=detector)
    console = Console(hardened)
    console.sign_in(account.access_key_id, account.secret_access_key)
    injected = 'FIFTEEN_MINUTES","dataSources":{"s3Logs":{"enable":true}},"x":"'
    for value in (injected, 'FIFTEEN_MINUTES","features":[{"name":"S3_DATA_EVENTS","status":"ENABLED"}],"x":"', 'ONE_HOUR"}', '\\u0022'):
        answer = console.post("/console/settings/frequency", {"findingPublishingFrequency": value})
        assert answer.status_code == 400, f"{value!r}: {answer.status_code}"
        assert 'class="error"' in answer.text
        after = gd.get_detector(DetectorId=detector)
        assert after["FindingPublishingFrequency"] == "SIX_HOURS"
        assert after.get("DataSources") == before.get("DataSources") and after.get("Features") == before.get("Features"), value
    # The form works for a real value (a control).
    assert console.post("/console/settings/frequency", {"findingPublishingFrequency": "ONE_HOUR"}).status_code in (302, 303)
    assert gd.get_detector(DetectorId=detector)["FindingPublishingFrequency"] == "ONE_HOUR"


# --- /metrics on its own listener, webhooks under the fetch rule -----------------------------------

def test_metrics_are_served_only_on_the_metrics_listener(hardened):
    needs("--metrics-port")
    assert requests.get(hardened.endpoint + "/metrics", timeout=10).status_code == 404
    metrics = requests.get(f"http://127.0.0.1:{hardened.metrics_port}/metrics", timeout=10)
    assert metrics.status_code == 200 and "# TYPE" in metrics.text


def test_webhooks_to_refused_addresses_never_reach_the_receiver(hardened):
    needs("--allow-fetch-from")
    internal = Web("127.0.0.1", {"/hook": (204, "No Content", {}, b"")})
    public = Web("127.0.0.2", {"/hook": (204, "No Content", {}, b"")})
    account = new_account(hardened)
    added = hardened.cli("webhooks", "add", "--account-id", account.account_id, "--url", internal.url("/hook"), check=False)
    hardened.cli("webhooks", "add", "--account-id", account.account_id, "--url", public.url("/hook"))
    assert ingest(account, account.detector, [finding(account.account_id, account.detector, "hook-1")]).status_code == 200
    assert wait_for(lambda: public.hits, 40), "the allowed receiver got nothing (control)"
    if added.returncode == 0:
        hook_id = json.loads(added.stdout)["webhookId"]
        mine = lambda: [h for h in json.loads(hardened.cli("webhooks", "list").stdout) if h["webhookId"] == hook_id][0]
        assert wait_for(lambda: mine()["failedAttempts"] >= 1, 40), mine()
        assert mine()["delivered"] == 0
    else:
        assert "address" in added.stderr.lower() or "allow" in added.stderr.lower(), added.stderr
    assert internal.hits == [], f"an event was delivered to an internal address: {internal.hits}"
    internal.close()
    public.close()


# --- the agent: a list hash names a file only when it is 64 hex digits ----------------------------

def test_the_agent_refuses_a_list_hash_that_would_name_a_file_outside_its_state(tmp_path):
    """A hostile (or impersonated) administrator answers the agent's configuration with a list whose "sha256" is a
    path. The agent must not write outside its state directory, and keeps running."""
    agent_binary = os.environ.get("GUARDPOST_AGENT", os.path.join(os.path.dirname(BINARY), "guardpost-agent"))
    escape = f"escaped-{uuid.uuid4().hex[:8]}"
    detector = uuid.uuid4().hex
    config = {"detectorId": detector, "accountId": "111122223333", "region": "us-east-1", "version": 7, "status": "ENABLED",
              "findingPublishingFrequency": "SIX_HOURS", "features": {}, "administratorId": None,
              "lists": [{"id": uuid.uuid4().hex, "kind": "THREAT_INTEL_SET", "name": "evil", "format": "TXT",
                         "sha256": f"../../{escape}", "entryCount": 1, "trusted": False}]}
    fake = Web("127.0.0.1", {
        "/detector": (200, "OK", {"Content-Type": "application/json"}, json.dumps({"detectorIds": [detector]}).encode()),
        "/agent/v1/config": (200, "OK", {"Content-Type": "application/json"}, json.dumps(config).encode()),
        "/agent/v1/heartbeat": (200, "OK", {"Content-Type": "application/json"}, b"{}"),
    }, default=(200, "OK", {}, b"198.51.100.1\n"))  # list content at whatever path the agent asks
    state = tmp_path / "a" / "b" / "state"
    state.mkdir(parents=True)
    logs = tmp_path / "logs"
    logs.mkdir()
    log_path = tmp_path / "agent.log"
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIAFAKEAGENT0000000", AWS_SECRET_ACCESS_KEY="x" * 40)
    env.pop("AWS_PROFILE", None)
    process = subprocess.Popen([agent_binary, "run", "--endpoint-url", fake.url("").rstrip("/"), "--region", "us-east-1",
                                "--state-dir", str(state), "--cloudtrail", str(logs), "--heartbeat-seconds", "1"],
                               env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: any(hit.startswith("/agent/v1/config") for hit in fake.hits), 30), f"the agent never asked for its configuration: {fake.hits}"
        time.sleep(5)
        written = [str(p) for p in tmp_path.rglob(f"*{escape}*")]
        assert written == [], f"the agent wrote outside its state directory: {written}"
        assert process.poll() is None, f"the agent exited: {log_path.read_text()[-2000:]}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        fake.close()
