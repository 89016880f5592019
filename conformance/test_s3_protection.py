"""S3 Protection end to end: the administrator switches S3_DATA_EVENTS for a member; the member's running agent
starts producing S3 findings from CloudTrail S3 data events it ignored before, and stops again — no restart."""
import json
import os
import time

import pytest

from conftest import Server, enrolled_pair
from test_agents_end_to_end import Agent, stored, wait_for

ATTACKER = "92.55.146.245"


def event(name, bucket, ip=ATTACKER, data=True, identity_type="IAMUser", second=0):
    """One CloudTrail record as CloudTrail writes S3 data events (eventCategory Data) or a management event."""
    record = {
        "eventVersion": "1.09", "eventTime": f"2026-11-20T10:00:{second:02d}Z", "eventSource": "s3.amazonaws.com", "eventName": name,
        "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": "aws-cli/2.15.0",
        "userIdentity": {"type": identity_type, "principalId": "AIDAEXAMPLE", "arn": "arn:aws:iam::123456789012:user/alice",
                         "accountId": "123456789012", "accessKeyId": "AKIAEXAMPLE", "userName": "alice"},
        "requestParameters": {"bucketName": bucket, "key": "report.csv"}, "responseElements": None,
        "eventCategory": "Data" if data else "Management", "managementEvent": not data, "readOnly": name.startswith("Get"),
    }
    if identity_type == "Root":
        record["userIdentity"] = {"type": "Root", "principalId": "123456789012", "arn": "arn:aws:iam::123456789012:root", "accountId": "123456789012"}
    return json.dumps(record) + "\n"


@pytest.fixture(scope="module")
def server(lists_dir):
    s = Server("s3_protection", extra_args=["--lists-dir", lists_dir]).start()
    yield s
    s.stop()


def test_the_administrator_switches_s3_protection_for_a_running_agent(server, lists_dir, tmp_path):
    admin, admin_detector, member, member_detector = enrolled_pair(server)
    gd = admin.client()
    with open(os.path.join(lists_dir, "s3-attackers.txt"), "w") as f:
        f.write(ATTACKER + "\n")
    gd.create_threat_intel_set(DetectorId=admin_detector, Name="attackers", Format="TXT", Location=f"file://{lists_dir}/s3-attackers.txt", Activate=True)

    def set_s3(status):
        result = gd.update_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id],
                                            Features=[{"Name": "S3_DATA_EVENTS", "Status": status}])
        assert result["UnprocessedAccounts"] == []
        features = gd.get_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id])["MemberDataSourceConfigurations"][0]["Features"]
        assert {f["Name"]: f["Status"] for f in features}["S3_DATA_EVENTS"] == status

    set_s3("DISABLED")
    logs = tmp_path / "cloudtrail"
    logs.mkdir()
    agent = Agent("s3", member, "us-east-1", str(tmp_path / "state"), cloudtrail=[str(logs)]).start()
    try:
        wait_for(lambda: "s3DataEvents=DISABLED" in agent.log() and "lists=1" in agent.log(), what="the agent running without S3 Protection")

        def types():
            return sorted(t for t, _ in stored(gd, admin_detector, member.account_id).values())

        # Off: the data events are ignored; a root call in the same file shows the file was analysed.
        (logs / "1.json").write_text(event("GetObject", "payroll") + event("ListObjects", "payroll", second=1) + event("GetBucketVersioning", "payroll", data=False, identity_type="Root", second=2))
        wait_for(lambda: "Policy:IAMUser/RootCredentialUsage" in types(), what="the first file analysed")
        assert not [t for t in types() if "S3/" in t]

        # On: the same kind of activity is now S3 findings, without restarting the agent.
        set_s3("ENABLED")
        wait_for(lambda: "s3DataEvents=ENABLED" in agent.log(), what="S3 Protection reaching the agent")
        (logs / "2.json").write_text(event("GetObject", "ledger", second=10) + event("ListObjects", "ledger", second=11))
        wait_for(lambda: {"UnauthorizedAccess:S3/MaliciousIPCaller.Custom", "Discovery:S3/MaliciousIPCaller.Custom"} <= set(types()),
                 what="S3 findings once S3 Protection is on")
        findings = {f["Type"]: f for f in gd.get_findings(DetectorId=admin_detector, FindingIds=list(stored(gd, admin_detector, member.account_id)))["Findings"]}
        s3_finding = findings["UnauthorizedAccess:S3/MaliciousIPCaller.Custom"]
        assert s3_finding["Resource"]["ResourceType"] == "S3Bucket"
        assert s3_finding["Resource"]["S3BucketDetails"][0]["Name"] == "ledger"
        before = stored(gd, admin_detector, member.account_id)

        # Off again: new data events change nothing.
        set_s3("DISABLED")
        wait_for(lambda: agent.log().count("s3DataEvents=DISABLED") >= 2, what="S3 Protection switched off at the agent")
        (logs / "3.json").write_text(event("GetObject", "vault", second=20) + event("GetBucketAcl", "vault", data=False, identity_type="Root", second=21))
        wait_for(lambda: stored(gd, admin_detector, member.account_id) != before, what="the third file analysed")
        after = stored(gd, admin_detector, member.account_id)
        assert {i: v for i, v in after.items() if "S3/" in v[0]} == {i: v for i, v in before.items() if "S3/" in v[0]}
    finally:
        agent.stop()
