"""`--max-memory-mb` as a user meets it: nonsense refused by `scan` and `run` before any work, and a flood of distinct
findings held to the limit, the rest counted in a summary whose count adds up exactly to the records that hit."""
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AGENT = os.environ.get("GUARDPOST_AGENT", os.path.join(ROOT, ".build", "debug", "guardpost-agent"))
CUSTOM = "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"


def flows(path, remotes):
    """One inbound record a remote, on 100 interfaces in turn (so no interface reaches its own limit)."""
    lines = ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"]
    for i, remote in enumerate(remotes):
        lines.append(f"2 123456789012 eni-{i % 100:08x} {remote} 10.0.{i % 100}.5 40000 443 6 3 240 {1700000000 + i} {1700000005 + i} ACCEPT OK")
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("value", ["0", "-5", "63", "99999999", "lots"])
@pytest.mark.parametrize("command", ["scan", "run"])
def test_nonsense_limits_are_refused_before_any_work(tmp_path, command, value):
    log = tmp_path / "flows.log"
    flows(log, ["45.9.0.1"])
    extra = ["--endpoint-url", "http://127.0.0.1:9", "--state-dir", str(tmp_path / "state")] if command == "run" else []
    result = subprocess.run([AGENT, command, "--flow-logs", str(log), *extra, f"--max-memory-mb={value}"], capture_output=True, text=True,
                            timeout=30, env=dict(os.environ, AWS_ACCESS_KEY_ID="AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_REGION="us-east-1"))
    assert result.returncode == 64, result.stderr
    assert "--max-memory-mb" in result.stderr or "max-memory-mb" in result.stderr
    assert not (tmp_path / "state").exists()


def test_a_flood_of_distinct_findings_stops_at_the_limit_and_is_counted_in_a_summary(tmp_path):
    threats = tmp_path / "threats.txt"
    threats.write_text("45.9.0.0/16\n")
    log = tmp_path / "flows.log"
    remotes = [f"45.9.{i // 250}.{i % 250 + 1}" for i in range(3000)]
    flows(log, remotes)
    result = subprocess.run([AGENT, "scan", "--flow-logs", str(log), "--threat-list", str(threats), "--max-memory-mb", "64"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    findings = [f for f in json.loads(result.stdout) if f["type"] == CUSTOM]
    summaries = [f for f in findings if '"summaryOf":"account"' in f["service"]["additionalInfo"]["value"]]
    # 64 MB holds 2,048 findings (a quarter of it at 8 KB each); the other 952 remotes are one summary's count.
    assert len(summaries) == 1 and len(findings) == 2049
    assert summaries[0]["service"]["count"] == 952
    assert f'"omittedCount":952' in summaries[0]["service"]["additionalInfo"]["value"]
    assert summaries[0]["description"].startswith("952 more occurrences")
    assert sum(f["service"]["count"] for f in findings) == len(remotes)
    # With room for them all, every remote is a finding of its own, and the counts are the same records.
    result = subprocess.run([AGENT, "scan", "--flow-logs", str(log), "--threat-list", str(threats)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    findings = [f for f in json.loads(result.stdout) if f["type"] == CUSTOM]
    assert len(findings) == 3000 and all(f["service"]["count"] == 1 for f in findings)
