"""`guardpost-agent scan` as a user runs it: findings as GetFindings JSON on stdout, a summary on stderr,
clear failures for bad arguments and unreadable input."""
import gzip
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AGENT = os.environ.get("GUARDPOST_AGENT", os.path.join(ROOT, ".build", "debug", "guardpost-agent"))
SHARED = os.path.join(ROOT, "..", "shared", "data")
SCENARIO = os.path.join(SHARED, "panther-scenario", "compromised-root-creds")


def scan(*args):
    return subprocess.run([AGENT, "scan", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not os.path.isdir(SCENARIO), reason="../shared/data is not here")
def test_panther_scenario_findings_in_getfindings_shape(tmp_path):
    threats = tmp_path / "threats.txt"
    threats.write_text("92.55.146.245\n200.58.83.179\n")
    result = scan("--cloudtrail", os.path.join(SCENARIO, "attacker_cloudtrail.native.json"),
                  "--flow-logs", os.path.join(SCENARIO, "attacker_vpc.native.log"), "--threat-list", f"{threats}:TXT",
                  "--account-id", "493859302102")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    types = {f["type"] for f in findings}
    assert {"Policy:IAMUser/RootCredentialUsage", "Stealth:IAMUser/CloudTrailLoggingDisabled",
            "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"} <= types
    for finding in findings:
        assert finding["schemaVersion"] == "2.0" and finding["partition"] == "aws"
        assert finding["arn"].endswith("/finding/" + finding["id"])
        assert finding["service"]["serviceName"] == "guardduty" and finding["service"]["count"] >= 1
        assert finding["accountId"] == "493859302102"
    assert "cloudtrail: 12 records read" in result.stderr and "findings:" in result.stderr
    # Every member name is one of botocore's Finding members, as the GetFindings wire format names them.
    import botocore.session
    finding_shape = botocore.session.get_session().get_service_model("guardduty").shape_for("Finding")
    wire_names = {shape.serialization.get("name", name) for name, shape in finding_shape.members.items()}
    assert all(set(finding) <= wire_names for finding in findings), [set(f) - wire_names for f in findings]


def test_gzip_directories_and_a_table(tmp_path):
    logs = tmp_path / "flows"
    logs.mkdir()
    lines = [f"2 123456789012 eni-0abc 45.9.20.200 10.0.0.5 {40000 + i} 22 6 3 240 {1700000000 + i} {1700000005 + i} ACCEPT OK" for i in range(25)]
    with gzip.open(logs / "part-1.log.gz", "wt") as f:
        f.write("\n".join(lines) + "\n")
    (logs / "part-2.log").write_text("broken line\n")
    result = scan("--flow-logs", str(logs), "--output", "table")
    assert result.returncode == 0, result.stderr
    assert "UnauthorizedAccess:EC2/SSHBruteForce" in result.stdout and "Low" in result.stdout
    assert "25 records read" in result.stderr and "1 malformed" in result.stderr


@pytest.mark.parametrize("args, message", [
    ([], "give at least one of"),
    (["--flow-logs", "/no/such/file.log"], "no such file"),
    (["--flow-logs", "-", "--output", "xml"], "--output must be json or table"),
    (["--flow-logs", "-", "--account-id", "12"], "--account-id must be 12 digits"),
    (["--flow-logs", "-", "--threat-list", "/no/such/list.txt"], "cannot read list"),
])
def test_bad_arguments_fail_clearly(args, message):
    result = subprocess.run([AGENT, "scan", *args], capture_output=True, text=True, input="", timeout=60)
    assert result.returncode != 0
    assert message in result.stderr


def test_stdin_is_read():
    line = "2 123456789012 eni-0abc 10.0.0.5 45.9.20.1 33000 80 17 150000 9000000 1700000000 1700000005 ACCEPT OK\n"
    result = subprocess.run([AGENT, "scan", "--flow-logs", "-"], input=line, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert [f["type"] for f in json.loads(result.stdout)] == ["Backdoor:EC2/DenialOfService.UdpOnTcpPorts"]
