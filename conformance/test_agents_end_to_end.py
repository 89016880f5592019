"""The whole system as an organisation runs it: a real guardpost-admin on its embedded PostgreSQL, an administrator
and two member accounts in two regions, real `guardpost-agent run` processes fed with ../shared/data logs.

Invite and accept (with the agent's CLI and with the aws CLI), push a threat list and a frequency change, see the
members' findings through boto3 from the administrator, kill an agent with SIGKILL and stop the administrator while
agents keep detecting (every finding arrives exactly once: ids and counts equal an offline scan of the same logs),
disassociate a member and see its agent fall back to its own settings."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import OUTPUT, ROOT, Server, stored_findings, AgentProcess

AGENT = os.environ.get("GUARDPOST_AGENT", os.path.join(ROOT, ".build", "debug", "guardpost-agent"))
SHARED = os.path.join(ROOT, "..", "shared", "data")
SCENARIO = os.path.join(SHARED, "panther-scenario", "compromised-root-creds")
ENRICHMENT = os.path.join(SHARED, "panther-scenario", "enrichment-example")
DNS_TESTS = os.path.join(SHARED, "panther-rule-tests", "vpcdns_rule_tests.jsonl")
ATTACKERS = "92.55.146.245\n200.58.83.179\n"

pytestmark = pytest.mark.skipif(not os.path.isdir(SCENARIO), reason="../shared/data is not here")


def wait_equal(get, expected, timeout=90, interval=1):
    """Waits until get() == expected; on timeout fails with pytest's diff of the two."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if get() == expected:
            return
        time.sleep(interval)
    assert get() == expected


def wait_for(predicate, timeout=60, interval=0.5, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}")


class Agent(AgentProcess):
    """A `guardpost-agent run` process for one account and region."""

    def __init__(self, name, account, region, state_dir, **sources):
        self.name, self.account, self.region, self.state_dir, self.sources = name, account, region, state_dir, sources
        self.log_path = os.path.join(OUTPUT, f"agent-{name}.log")
        open(self.log_path, "w").close()
        self.process = None

    def start(self):
        args = [AGENT, "run", "--endpoint-url", self.account.server.endpoint, "--region", self.region, "--state-dir", self.state_dir,
                "--heartbeat-seconds", "1", "--idle-flush-seconds", "2", "--updates-every-seconds", "2"]
        for option, paths in self.sources.items():
            for path in paths:
                args += [f"--{option.replace('_', '-')}", path]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.account.access_key_id, AWS_SECRET_ACCESS_KEY=self.account.secret_access_key)
        env.pop("AWS_PROFILE", None)
        self.process = subprocess.Popen(args, env=env, stdout=open(self.log_path, "a"), stderr=subprocess.STDOUT)
        return self



def scan(account_id, **sources):
    """What an offline scan of the same logs finds: {id: (type, count)}."""
    threats = os.path.join(tempfile.mkdtemp(), "threats.txt")
    with open(threats, "w") as f:
        f.write(ATTACKERS)
    args = [AGENT, "scan", "--account-id", account_id, "--threat-list", f"{threats}:TXT"]
    for option, paths in sources.items():
        for path in paths:
            args += [f"--{option.replace('_', '-')}", path]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return {f["id"]: (f["type"], f["service"]["count"]) for f in json.loads(result.stdout)}


def stored(client, detector_id, account_id):
    """The findings the administrator's detector shows for one account: {id: (type, count)}."""
    return stored_findings(client, detector_id, {"accountId": {"Equals": [account_id]}})


def copy_in_parts(source, target, parts):
    """Appends `source` to `target` in `parts` chunks cut at line ends, yielding after each chunk."""
    with open(source) as f:
        lines = f.readlines()
    size = max(1, len(lines) // parts)
    for start in range(0, len(lines), size):
        with open(target, "a") as f:
            f.writelines(lines[start:start + size])
        yield


@pytest.fixture(scope="module")
def system(lists_dir):
    server = Server("agents_e2e", extra_args=["--lists-dir", lists_dir]).start()
    agents = []
    yield server, agents
    for agent in agents:
        agent.stop()
    server.stop()


def test_organisation_with_real_agents(system, lists_dir, tmp_path):
    server, agents = system
    admin, member1, member2 = server.create_account(), server.create_account(), server.create_account()
    east, west = admin.client("us-east-1"), admin.client("us-west-2")
    admin_east = east.create_detector(Enable=True)["DetectorId"]
    admin_west = west.create_detector(Enable=True)["DetectorId"]
    east.create_members(DetectorId=admin_east, AccountDetails=[{"AccountId": member1.account_id, "Email": "m1@example.com"}])
    east.invite_members(DetectorId=admin_east, AccountIds=[member1.account_id])
    west.create_members(DetectorId=admin_west, AccountDetails=[{"AccountId": member2.account_id, "Email": "m2@example.com"}])
    west.invite_members(DetectorId=admin_west, AccountIds=[member2.account_id])

    # Member 1 accepts with the agent's CLI (which creates its detector); member 2 with the aws CLI.
    env = dict(os.environ, AWS_ACCESS_KEY_ID=member1.access_key_id, AWS_SECRET_ACCESS_KEY=member1.secret_access_key)
    listed = subprocess.run([AGENT, "invitations", "list", "--endpoint-url", server.endpoint, "--region", "us-east-1"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["invitations"][0]["accountId"] == admin.account_id
    accepted = subprocess.run([AGENT, "invitations", "accept", "--administrator-id", admin.account_id, "--endpoint-url", server.endpoint,
                               "--region", "us-east-1"], env=env, capture_output=True, text=True, timeout=60)
    assert accepted.returncode == 0, accepted.stderr
    member2_detector = member2.aws("create-detector", "--enable", region="us-west-2")["DetectorId"]
    invitation = member2.aws("list-invitations", region="us-west-2")["Invitations"][0]["InvitationId"]
    member2.aws("accept-administrator-invitation", "--detector-id", member2_detector, "--administrator-id", admin.account_id,
                "--invitation-id", invitation, region="us-west-2")
    statuses = {m["AccountId"]: m["RelationshipStatus"] for m in east.list_members(DetectorId=admin_east)["Members"]}
    assert statuses == {member1.account_id: "Enabled"}

    # Agents start on empty log directories.
    logs1, logs2 = tmp_path / "member1", tmp_path / "member2"
    for directory in (logs1 / "cloudtrail", logs1 / "flow", logs2 / "dns"):
        directory.mkdir(parents=True)
    agent1 = Agent("member1", member1, "us-east-1", str(tmp_path / "state1"), cloudtrail=[str(logs1 / "cloudtrail")], flow_logs=[str(logs1 / "flow")]).start()
    agent2 = Agent("member2", member2, "us-west-2", str(tmp_path / "state2"), dns_logs=[str(logs2 / "dns")]).start()
    agents += [agent1, agent2]
    wait_for(lambda: "configuration applied" in agent1.log() and "configuration applied" in agent2.log(), what="first configuration")

    # The administrator pushes a threat list and a frequency change; both reach the agent without a restart.
    with open(os.path.join(lists_dir, "attackers.txt"), "w") as f:
        f.write(ATTACKERS)
    east.create_threat_intel_set(DetectorId=admin_east, Name="attackers", Format="TXT",
                                 Location=f"file://{lists_dir}/attackers.txt", Activate=True)
    wait_for(lambda: '"lists": "1"' in agent1.log() or "lists=1" in agent1.log(), what="threat list at the agent")
    east.update_detector(DetectorId=admin_east, FindingPublishingFrequency="FIFTEEN_MINUTES")
    wait_for(lambda: "FIFTEEN_MINUTES" in agent1.log(), what="frequency change at the agent")

    # Logs arrive: CloudTrail files whole, flow logs appended in parts with an agent SIGKILL in the middle.
    shutil.copy(os.path.join(SCENARIO, "attacker_cloudtrail.native.json"), logs1 / "cloudtrail" / "1.json")
    flow_source = os.path.join(SCENARIO, "attacker_vpc.native.log")
    parts = copy_in_parts(flow_source, str(logs1 / "flow" / "vpc.log"), 3)
    next(parts)
    wait_for(lambda: stored(east, admin_east, member1.account_id), what="first findings of member 1")
    agent1.kill()
    for _ in parts:
        pass
    shutil.copy(os.path.join(ENRICHMENT, "attacker_cloudtrail.native.json"), logs1 / "cloudtrail" / "2.json")
    agent1.start()
    with open(DNS_TESTS) as f, open(logs2 / "dns" / "resolver.log", "w") as out:
        for line in f:
            out.write(json.dumps(json.loads(line)["log"]) + "\n")

    expected1 = scan(member1.account_id, cloudtrail=[str(logs1 / "cloudtrail")], flow_logs=[str(logs1 / "flow")])
    expected2 = scan(member2.account_id, dns_logs=[str(logs2 / "dns")])
    assert {"UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", "Stealth:IAMUser/CloudTrailLoggingDisabled"} <= {t for t, _ in expected1.values()}
    wait_equal(lambda: stored(east, admin_east, member1.account_id), expected1)
    wait_equal(lambda: stored(west, admin_west, member2.account_id), expected2)

    # The administrator stops for a while; the agent keeps detecting into its outbox; nothing is lost on restart.
    server.process.terminate()
    server.process.wait(timeout=30)
    with open(os.path.join(SCENARIO, "attacker_vpc.native.log")) as f, open(logs1 / "flow" / "vpc-later.log", "w") as out:
        out.write(f.read())
    wait_for(lambda: not agent1.outbox_empty(), what="findings waiting in the outbox while the administrator is down")
    server.start()
    expected1 = scan(member1.account_id, cloudtrail=[str(logs1 / "cloudtrail")], flow_logs=[str(logs1 / "flow")])
    wait_equal(lambda: stored(east, admin_east, member1.account_id), expected1)
    wait_for(agent1.outbox_empty, what="an empty outbox")

    # PostgreSQL restarts while the agent is sending: the server reconnects, the agent retries, nothing is lost.
    with open(os.path.join(ENRICHMENT, "attacker_cloudtrail.native.json")) as f, open(logs1 / "cloudtrail" / "3.json", "w") as out:
        out.write(f.read().replace("200.58.83.179", "92.55.146.245"))
    server.restart_postgres()
    expected1 = scan(member1.account_id, cloudtrail=[str(logs1 / "cloudtrail")], flow_logs=[str(logs1 / "flow")])
    wait_equal(lambda: stored(east, admin_east, member1.account_id), expected1)
    wait_for(agent1.outbox_empty, what="an empty outbox after the PostgreSQL restart")

    # Member 1's own detector sees its findings; member 2 sees none of member 1's.
    own = member1.client().list_findings(DetectorId=member1.client().list_detectors()["DetectorIds"][0])["FindingIds"]
    assert set(own) == set(expected1)
    assert not member2.client("us-west-2").get_findings(DetectorId=member2_detector, FindingIds=list(expected1)[:50])["Findings"]

    # Disassociation: the agent falls back to the account's own settings (no administrator, its own frequency).
    east.disassociate_members(DetectorId=admin_east, AccountIds=[member1.account_id])
    wait_for(lambda: '"administrator": "none"' in agent1.log() or "administrator=none" in agent1.log(), what="fallback to own settings")
    assert stored(east, admin_east, member1.account_id) == {}
