"""Findings placed on the map with their network owner, from MaxMind DB files (../shared/data/geoip, MaxMind's test
databases): `guardpost-agent scan --geoip-city … --geoip-asn …` fills remoteIpDetails itself, and a server started
with the databases fills it at ingest for an agent that has none."""
import json
import os
import subprocess
import time

import pytest

from conftest import OUTPUT, ROOT, Server

AGENT = os.environ.get("GUARDPOST_AGENT", os.path.join(ROOT, ".build", "debug", "guardpost-agent"))
GEOIP = os.path.join(ROOT, "..", "shared", "data", "geoip", "maxmind-test", "test-data")
CITY = os.path.join(GEOIP, "GeoIP2-City-Test.mmdb")
ASN = os.path.join(GEOIP, "GeoLite2-ASN-Test.mmdb")

pytestmark = pytest.mark.skipif(not os.path.exists(CITY), reason="../shared/data/geoip is not here")


def brute_force_log(path, remotes):
    """25 SSH connections from each remote address to one instance: an SSHBruteForce finding per address."""
    lines = []
    for n, remote in enumerate(remotes):
        lines += [f"2 123456789012 eni-0abc {remote} 10.0.0.5 {40000 + i} 22 6 3 240 {1700000000 + 100 * n + i} "
                  f"{1700000005 + 100 * n + i} ACCEPT OK" for i in range(25)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def remote_details(findings):
    """remoteIpDetails of each SSHBruteForce finding, by remote address."""
    details = {}
    for finding in findings:
        if finding["type"] != "UnauthorizedAccess:EC2/SSHBruteForce":
            continue
        remote = finding["service"]["action"]["networkConnectionAction"]["remoteIpDetails"]
        details[remote["ipAddressV4"]] = remote
    return details


def camel(value):
    """boto3's parsed shape (PascalCase members) back in the wire's camelCase names."""
    if isinstance(value, dict):
        return {key[0].lower() + key[1:]: camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def check_placed(details):
    london = details["81.2.69.142"]
    assert london["country"] == {"countryCode": "GB", "countryName": "United Kingdom"}
    assert london["city"] == {"cityName": "London"}
    assert london["geoLocation"] == {"lat": 51.5142, "lon": -0.0931}
    telstra = details["1.128.0.1"]
    assert telstra["organization"] == {"asn": "1221", "asnOrg": "Telstra Pty Ltd"}
    assert "country" not in telstra  # the city test database does not place Telstra's network


def test_scan_places_remote_addresses_with_the_databases(tmp_path):
    log = brute_force_log(tmp_path / "flows.log", ["81.2.69.142", "1.128.0.1"])
    result = subprocess.run([AGENT, "scan", "--flow-logs", log, "--geoip-city", CITY, "--geoip-asn", ASN],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    check_placed(remote_details(json.loads(result.stdout)))
    plain = subprocess.run([AGENT, "scan", "--flow-logs", log], capture_output=True, text=True, timeout=120)
    assert plain.returncode == 0, plain.stderr
    assert all(set(d) == {"ipAddressV4"} for d in remote_details(json.loads(plain.stdout)).values())


def test_scan_refuses_a_file_that_is_not_a_database(tmp_path):
    bogus = tmp_path / "city.mmdb"
    bogus.write_bytes(b"not a MaxMind database")
    log = brute_force_log(tmp_path / "flows.log", ["81.2.69.142"])
    result = subprocess.run([AGENT, "scan", "--flow-logs", log, "--geoip-city", str(bogus)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "metadata marker" in result.stderr and str(bogus) in result.stderr


@pytest.mark.parametrize("where", ["server", "agent"])
def test_findings_of_a_running_agent_are_placed(tmp_path, where):
    """`server`: the administrator has the databases and the agent none (one database covers every agent);
    `agent`: the agent has them and the administrator none (an agent's own database works without the server's)."""
    databases = ["--geoip-city", CITY, "--geoip-asn", ASN]
    server = Server(f"geoip-{where}", extra_args=databases if where == "server" else []).start()
    agent = None
    try:
        account = server.create_account()
        client = account.client()
        detector = client.create_detector(Enable=True)["DetectorId"]
        log = brute_force_log(tmp_path / "flows.log", ["81.2.69.142", "1.128.0.1"])
        env = dict(os.environ, AWS_ACCESS_KEY_ID=account.access_key_id, AWS_SECRET_ACCESS_KEY=account.secret_access_key)
        env.pop("AWS_PROFILE", None)
        agent_log = open(os.path.join(OUTPUT, f"agent-geoip-{where}.log"), "w")
        agent = subprocess.Popen([AGENT, "run", "--endpoint-url", server.endpoint, "--region", "us-east-1", "--state-dir",
                                  str(tmp_path / "state"), "--flow-logs", log, "--heartbeat-seconds", "1", "--idle-flush-seconds", "2",
                                  *(databases if where == "agent" else [])],
                                 env=env, stdout=agent_log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        details = {}
        while time.time() < deadline and len(details) < 2:
            ids = client.list_findings(DetectorId=detector)["FindingIds"]
            if ids:
                # boto3 parses botocore's RemoteIpDetails shapes (City, Country, GeoLocation, Organization).
                details = remote_details([camel(f) for f in client.get_findings(DetectorId=detector, FindingIds=ids)["Findings"]])
            time.sleep(1)
        check_placed(details)
    finally:
        if agent is not None:
            agent.terminate()
            agent.wait(timeout=30)
        server.stop()
