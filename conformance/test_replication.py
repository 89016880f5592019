"""Past one database machine, for real: a PostgreSQL primary and a streaming hot standby (pg_basebackup -R, synchronous
replication), two guardpost-admin replicas on the multi-host URL `postgres://…@primary,standby/…?target_session_attrs=read-write`
with `--read-database-url` on the standby. A replica's reads see its caller's own writes although the standby lags;
the primary is killed (SIGKILL) mid-ingest, the standby promoted, and every acknowledged finding is there exactly once
while both replicas carry on."""
import datetime
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest
import requests

from conftest import Server, enrolled_pair, free_port, listed_finding_ids

PG_BIN = (sorted(glob.glob("/usr/lib/postgresql/*/bin")) or [""])[-1]
AS_PG = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


def pg(tool, *args, check=True):
    result = subprocess.run(AS_PG + [os.path.join(PG_BIN, tool), *args], capture_output=True, text=True, timeout=60, cwd="/")
    if check:
        assert result.returncode == 0, f"{tool} {' '.join(args)}: {result.stderr}{result.stdout}"
    return result


def sql(port, statement):
    result = subprocess.run(["psql", f"postgres://guardpost@127.0.0.1:{port}/postgres", "-Atqc", statement],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def wait_for(check, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Cluster:
    """A primary with synchronous replication to one streaming standby, both on 127.0.0.1."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="guardpost-replication-")
        if AS_PG:
            shutil.chown(self.root, "postgres", "postgres")
        self.primary_dir, self.standby_dir = os.path.join(self.root, "primary"), os.path.join(self.root, "standby")
        self.primary_port, self.standby_port = free_port(), free_port()

    def options(self, port, *extra):
        return " ".join([f"-c port={port}", "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=''", "-c fsync=off",
                         "-c full_page_writes=off", "-c hot_standby_feedback=on", "-c wal_receiver_status_interval=1", *extra])

    def start(self):
        pg("initdb", "-D", self.primary_dir, "-U", "guardpost", "-A", "trust", "-E", "UTF8", "--locale=C")
        # Synchronous replication: a commit (an acknowledged finding) waits until the standby has it on disk.
        pg("pg_ctl", "start", "-w", "-D", self.primary_dir, "-l", os.path.join(self.root, "primary.log"), "-o",
           self.options(self.primary_port, "-c synchronous_standby_names='*'", "-c synchronous_commit=on"))
        pg("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "guardpost", "-D", self.standby_dir, "-R",
           "-X", "stream", "--checkpoint=fast")
        pg("pg_ctl", "start", "-w", "-D", self.standby_dir, "-l", os.path.join(self.root, "standby.log"), "-o",
           self.options(self.standby_port))
        wait_for(lambda: sql(self.primary_port, "SELECT sync_state FROM pg_stat_replication") == "sync", 20, "a synchronous standby")
        return self

    def multi_host_url(self):
        return (f"postgres://guardpost@127.0.0.1:{self.primary_port},127.0.0.1:{self.standby_port}/postgres"
                "?target_session_attrs=read-write")

    def standby_url(self):
        return f"postgres://guardpost@127.0.0.1:{self.standby_port}/postgres"

    def set_standby_apply_delay(self, delay):
        """recovery_min_apply_delay on the standby: it receives (and acknowledges) WAL at once but replays it late."""
        with open(os.path.join(self.standby_dir, "postgresql.conf"), "a") as f:
            f.write(f"\nrecovery_min_apply_delay = '{delay}'\n")
        pg("pg_ctl", "reload", "-D", self.standby_dir)
        wait_for(lambda: sql(self.standby_port, "SHOW recovery_min_apply_delay") == delay, 10, "the standby's new apply delay")

    def kill_primary(self):
        """SIGKILL to the postmaster and every process of it, as when its machine dies."""
        with open(os.path.join(self.primary_dir, "postmaster.pid")) as f:
            postmaster = int(f.readline())
        # Stopped first, so that it forks no backend between the listing of its children and the kill.
        os.kill(postmaster, signal.SIGSTOP)
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == postmaster:
                    children.append(int(stat.split("/")[2]))
            except (OSError, IndexError, ValueError):
                continue
        for pid in [postmaster, *children]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def promote(self):
        pg("pg_ctl", "promote", "-w", "-D", self.standby_dir)

    def stop(self):
        for directory in (self.standby_dir, self.primary_dir):
            if os.path.exists(os.path.join(directory, "postmaster.pid")):
                pg("pg_ctl", "stop", "-m", "immediate", "-D", directory, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def setup():
    if not PG_BIN:
        pytest.skip("PostgreSQL's server binaries are not installed")
    cluster = Cluster().start()
    first = Server("replication-a", extra_args=["--read-database-url", cluster.standby_url(), "--metrics-port", str(free_port())])
    first.env["DATABASE_URL"] = cluster.multi_host_url()
    second = None
    try:
        first.start()
        second = Server("replication-b", share_with=first, extra_args=["--read-database-url", cluster.standby_url()])
        second.start()
        yield cluster, first, second
    finally:
        # A replica still running here (a test failed first) gets 5 s to shut down, then SIGKILL.
        for replica in (second, first):
            if replica and replica.process and replica.process.poll() is None:
                replica.process.terminate()
                try:
                    replica.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    replica.process.kill()
                    replica.process.wait(timeout=10)
        if second:
            second.stop()
        first.stop()
        cluster.stop()


def via(account, replica):
    original = account.server
    account.server = replica
    try:
        return account.client()
    finally:
        account.server = original


def finding(account_id, detector_id, finding_id):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "accountId": account_id, "arn": f"arn:aws:guardduty:us-east-1:{account_id}:detector/{detector_id}/finding/{finding_id}",
        "createdAt": now, "description": "SSH brute force", "id": finding_id, "partition": "aws", "region": "us-east-1",
        "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-0abc"}}, "schemaVersion": "2.0",
        "service": {
            "action": {"actionType": "NETWORK_CONNECTION", "networkConnectionAction": {
                "blocked": False, "connectionDirection": "INBOUND", "protocol": "TCP",
                "localPortDetails": {"port": 22, "portName": "SSH"}, "remoteIpDetails": {"ipAddressV4": "203.0.113.9"}}},
            "archived": False, "count": 1, "detectorId": detector_id, "eventFirstSeen": now, "eventLastSeen": now,
            "resourceRole": "TARGET", "serviceName": "guardduty"},
        "severity": 5, "title": "SSH brute force", "type": "UnauthorizedAccess:EC2/SSHBruteForce", "updatedAt": now,
    }


def ingest(account, replica, detector_id, findings, timeout=10):
    """One batch through a replica's agent channel, signed as the member's agent; True when acknowledged (200)."""
    original = account.server
    account.server = replica
    try:
        request = account.signed("POST", "/agent/v1/findings", body=json.dumps({"detectorId": detector_id, "findings": findings}).encode(),
                                 headers={"content-type": "application/json"})
    finally:
        account.server = original
    prepared = request.prepare()
    response = requests.request(prepared.method, prepared.url, headers=dict(prepared.headers), data=prepared.body, timeout=timeout)
    return response.status_code == 200




def standby_reads(replica):
    text = requests.get(f"http://127.0.0.1:{replica.extra_args[3]}/metrics", timeout=5).text
    match = re.search(r'^guardpost_read_replica_reads_total\{to="standby"\} (\d+)', text, re.M)
    return int(match.group(1)) if match else 0


def test_a_caller_reads_its_own_writes_through_a_replica_although_the_standby_lags(setup):
    cluster, first, _ = setup
    admin, admin_detector, member, member_detector = enrolled_pair(first)
    gd = admin.client()
    assert ingest(member, first, member_detector, [finding(member.account_id, member_detector, f"own{i}") for i in range(6)])
    cluster.set_standby_apply_delay("2s")
    try:
        # Membership: GetMembers right after CreateMembers.
        newcomer = first.create_account().account_id
        created = gd.create_members(DetectorId=admin_detector, AccountDetails=[{"AccountId": newcomer, "Email": "n@example.com"}])
        assert created["UnprocessedAccounts"] == []
        assert [m["AccountId"] for m in gd.get_members(DetectorId=admin_detector, AccountIds=[newcomer])["Members"]] == [newcomer]
        # Findings: ListFindings right after ArchiveFindings, although the standby replays 2 s late.
        ids = sorted(listed_finding_ids(gd, admin_detector))
        assert len(ids) == 6
        gd.archive_findings(DetectorId=admin_detector, FindingIds=ids[:3])
        assert sorted(listed_finding_ids(gd, admin_detector, {"service.archived": {"Eq": ["true"]}})) == ids[:3]
        assert sorted(listed_finding_ids(gd, admin_detector, {"service.archived": {"Eq": ["false"]}})) == ids[3:]
        gd.unarchive_findings(DetectorId=admin_detector, FindingIds=ids[:1])
        assert sorted(listed_finding_ids(gd, admin_detector, {"service.archived": {"Eq": ["false"]}})) == [ids[0]] + ids[3:]

        # Once the standby has replayed the administrator's writes, its reads go there — and so do not yet see what
        # someone else (the member's agent) wrote a moment ago: the rule is read-your-writes, not read-everyone's.
        # Waited for, not slept on: under load the replay, and the replica's 100 ms poll of it, can take longer than 2 s.
        def administrator_reads_on_standby():
            before = standby_reads(first)
            listed_finding_ids(gd, admin_detector)
            return standby_reads(first) > before
        time.sleep(2)
        wait_for(administrator_reads_on_standby, 10, "the standby to replay the administrator's writes")
        before = standby_reads(first)
        assert ingest(member, first, member_detector, [finding(member.account_id, member_detector, "late")])
        assert "late" not in listed_finding_ids(gd, admin_detector)
        assert standby_reads(first) > before
        wait_for(lambda: "late" in listed_finding_ids(gd, admin_detector), 10, "the standby to replay the member's finding")
    finally:
        cluster.set_standby_apply_delay("0")


def test_killing_the_primary_mid_ingest_loses_no_acknowledged_finding_and_both_replicas_carry_on(setup):
    cluster, first, second = setup
    admin, admin_detector, member, member_detector = enrolled_pair(first)
    acknowledged, stop = {0: [], 1: []}, threading.Event()

    def post(index, replica):
        # What an agent's outbox does: a batch is retried, unchanged, until the server acknowledges it.
        batch_number = 0
        while not stop.is_set():
            ids = [f"fo{index}b{batch_number}n{i}" for i in range(20)]
            batch = [finding(member.account_id, member_detector, id) for id in ids]
            while not stop.is_set():
                try:
                    if ingest(member, replica, member_detector, batch, timeout=10):
                        acknowledged[index].extend(ids)
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.05)
            batch_number += 1

    posters = [threading.Thread(target=post, args=(i, replica)) for i, replica in enumerate((first, second))]
    for thread in posters:
        thread.start()
    try:
        wait_for(lambda: all(len(acknowledged[i]) >= 100 for i in (0, 1)), 30, "ingest through both replicas")
        cluster.kill_primary()
        killed_at = {i: len(acknowledged[i]) for i in (0, 1)}
        # No writable primary for a second: requests wait for one (the forwarder holds new connections up to 5 s).
        time.sleep(1)
        cluster.promote()
        wait_for(lambda: all(len(acknowledged[i]) >= killed_at[i] + 100 for i in (0, 1)), 30, "ingest through both replicas after promotion")
    finally:
        stop.set()
        for thread in posters:
            thread.join(timeout=40)
    expected = sorted(acknowledged[0] + acknowledged[1])
    for replica in (first, second):
        gd = via(admin, replica)
        ids = listed_finding_ids(gd, admin_detector)
        assert len(ids) == len(set(ids)), "a finding is listed twice"
        assert set(expected) <= set(ids), f"acknowledged findings lost: {sorted(set(expected) - set(ids))[:10]}"
        # Anything beyond the acknowledged is a batch whose answer was lost with the primary: stored once all the same.
        assert len(set(ids) - set(expected)) <= 2 * 20
        counts = {}
        for start in range(0, len(expected), 50):
            for f in gd.get_findings(DetectorId=admin_detector, FindingIds=expected[start:start + 50])["Findings"]:
                counts[f["Id"]] = f["Service"]["Count"]
        assert sorted(counts) == expected and set(counts.values()) == {1}, "a redelivered batch was counted twice"
        # The replica writes on the promoted standby.
        name = f"after{replica.port}"
        gd.create_filter(DetectorId=admin_detector, Name=name, Action="ARCHIVE",
                         FindingCriteria={"Criterion": {"severity": {"Gte": 8}}})
        assert gd.get_filter(DetectorId=admin_detector, FilterName=name)["Name"] == name
        assert replica.alive()
    # Graceful shutdown after the failover. postgres-nio can lose a query whose connection closes under it; every
    # request's database work answers 500 after 30 s then (`DatabaseDeadline`), and whatever still holds the shutdown
    # after 40 s (a background job on a lost query) is cancelled: each replica exits, with 20 s of margin here.
    started = time.monotonic()
    for replica in (first, second):
        replica.process.terminate()
    for replica in (first, second):
        try:
            replica.process.wait(timeout=max(0.0, 60 - (time.monotonic() - started)))
            print(f"\n{replica.name}: shut down {time.monotonic() - started:.1f} s after SIGTERM", file=sys.stderr)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{replica.name} still running 60 s after SIGTERM (see {replica.log_path})")
