"""Managed threat-intelligence feeds as an operator runs them: `guardpost-admin intel list|add|refresh|remove|import`
against a local HTTP server serving copies of the real feeds in ../shared/data/intel-feeds (FireHOL ipsets, ThreatFox
IPs, URLhaus hosts file, Phishing.Database, Block List Project crypto domains); a real `guardpost-agent run` on logs
that talk to listed Tor exits, C&C addresses, mining pools and phishing domains reports GuardDuty's non-Custom types
naming the feed; conditional GETs; a malformed and a shrunken version keep the previous one; the same files work
offline with `guardpost-agent scan --intel-dir`."""
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import threading

import pytest

from conftest import ROOT, Server
from test_agents_end_to_end import AGENT, Agent, wait_for

FEEDS = os.path.join(ROOT, "..", "shared", "data", "intel-feeds")
pytestmark = pytest.mark.skipif(not os.path.isdir(FEEDS), reason="../shared/data/intel-feeds is not here")

# London in MaxMind's City test database, added to the served Tor list; Telstra (AS1221) in its ASN test database,
# added to the served Feodo list: the findings come back placed by the server's databases.
TOR_EXIT = "81.2.69.142"
C2 = "1.128.0.1"
GEOIP = os.path.join(ROOT, "..", "shared", "data", "geoip", "maxmind-test", "test-data")
PHISHING_IP = "100.42.65.208"  # phishing/phishing-IPs-ACTIVE.txt
MINING_DOMAIN = "10102.io"  # crypto-mining/blocklistproject-crypto-nl.txt
PHISHING_DOMAIN = "2cm.es"  # phishing/phishing-domains-NEW-today.2025-09-30.txt
MALWARE_HOST = "05webinvite.com"  # urlhaus/urlhaus-filter-hosts.txt (hosts format)

# name, file, kind, format
ADDED = [
    ("tor", "firehol-ipsets/tor_exits.ipset", "tor-exit", "plain"),
    ("feodo", "firehol-ipsets/feodo.ipset", "c2-ip", "firehol"),
    ("threatfox", "threatfox/ips.txt", "c2-ip", "plain"),
    ("phish-ips", "phishing/phishing-IPs-ACTIVE.txt", "malicious-ip", "plain"),
    ("phish-domains", "phishing/phishing-domains-NEW-today.2025-09-30.txt", "phishing-domain", "domains"),
    ("mining", "crypto-mining/blocklistproject-crypto-nl.txt", "mining-domain", "plain"),
    ("nocoin", "crypto-mining/nocoin-hosts.txt", "mining-domain", "hosts"),
    ("urlhaus", "urlhaus/urlhaus-filter-hosts.txt", "malicious-domain", "hosts"),
]


class FeedHandler(http.server.BaseHTTPRequestHandler):
    """Serves the feed directory with an ETag and Last-Modified, answering conditional GETs with 304."""

    def do_GET(self):
        path = os.path.join(self.server.root, self.path.lstrip("/"))
        self.server.requests.append((self.path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        body = open(path, "rb").read()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", self.date_time_string(int(os.path.getmtime(path))))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds")
    for _, file, _, _ in ADDED:
        os.makedirs(root / os.path.dirname(file), exist_ok=True)
        shutil.copy(os.path.join(FEEDS, file), root / file)
    with open(root / "firehol-ipsets/tor_exits.ipset", "a") as f:
        f.write(TOR_EXIT + "\n")
    with open(root / "firehol-ipsets/feodo.ipset", "a") as f:
        f.write(C2 + "\n")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    httpd.root, httpd.requests = str(root), []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd, root
    httpd.shutdown()


@pytest.fixture(scope="module")
def admin():
    databases = ["--geoip-city", os.path.join(GEOIP, "GeoIP2-City-Test.mmdb"), "--geoip-asn", os.path.join(GEOIP, "GeoLite2-ASN-Test.mmdb")]
    server = Server("intel_feeds", extra_args=["--allow-fetch-from", "127.0.0.1/32", *databases]).start()
    yield server
    server.stop()


def feeds(server):
    return {f["name"]: f for f in json.loads(server.cli("intel", "list").stdout)}


def refresh(server, *args):
    result = server.cli("intel", "refresh", "--allow-fetch-from", "127.0.0.1/32", *args)
    return {r["feed"]: r["outcome"] for r in json.loads(result.stdout)}


def test_a_fresh_install_lists_its_default_feeds_with_terms_and_why_they_were_never_fetched(admin):
    listed = feeds(admin)
    for name in ["tor-exits", "feodo-c2", "urlhaus-hosts", "phishing-domains", "mining-pools"]:
        assert name in listed, listed.keys()
        feed = listed[name]
        assert feed["terms"], feed
        assert feed["url"].startswith("https://")
        assert feed["findingTypes"], feed
    # This machine cannot reach them: each says so, nothing fails (the server tried, or will on its schedule).
    never = [f for f in listed.values() if f["state"] == "NEVER_FETCHED"]
    assert len(never) == len(listed)
    assert all(f["status"].startswith("never fetched: ") for f in never)
    outcome = refresh(admin, "--name", "tor-exits", "--fetch-timeout-seconds", "20")
    # The server's own schedule may be trying it at the same moment: then the refresh waits and reports its state.
    assert outcome["tor-exits"].startswith(("not fetched: the fetch failed", "never fetched: the fetch failed")), outcome
    assert feeds(admin)["tor-exits"]["status"].startswith("never fetched: the fetch failed"), feeds(admin)["tor-exits"]


def test_bad_feed_definitions_are_refused_with_a_clear_error(admin):
    bad = admin.cli("intel", "add", "--name", "x", "--url", "https://example.com/x", "--kind", "evil-ip", check=False)
    assert bad.returncode != 0 and "--kind must be one of" in bad.stderr
    bad = admin.cli("intel", "add", "--name", "x", "--url", "file:///etc/passwd", "--kind", "tor-exit", check=False)
    assert bad.returncode != 0 and "http(s) URL" in bad.stderr
    bad = admin.cli("intel", "add", "--name", "../x", "--url", "https://example.com/x", "--kind", "tor-exit", check=False)
    assert bad.returncode != 0 and "feed name" in bad.stderr


def test_feeds_are_fetched_conditionally_and_reach_agents_which_report_non_custom_types(admin, feed_server, tmp_path):
    httpd, root = feed_server
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    for name, file, kind, fmt in ADDED:
        admin.cli("intel", "add", "--name", name, "--url", f"{base}/{file}", "--kind", kind, "--format", fmt, "--refresh-minutes", "60")
    outcomes = refresh(admin, *sum((["--name", n] for n, _, _, _ in ADDED), []))
    assert all(o.startswith("in force: ") for o in outcomes.values()), outcomes
    listed = feeds(admin)
    assert listed["tor"]["entries"] == 1371  # the ipset's header says "1370 unique IPs"; one added
    assert listed["threatfox"]["entries"] == 19863  # no trailing newline: the last line counts
    assert listed["urlhaus"]["entries"] > 2000 and listed["nocoin"]["entries"] > 300
    assert listed["tor"]["state"] == "ACTIVE" and len(listed["tor"]["sha256"]) == 64

    # A second refresh is conditional: the source answers 304 and nothing changes.
    httpd.requests.clear()
    again = refresh(admin, "--name", "tor")
    assert again["tor"].startswith("not modified"), again
    assert httpd.requests[-1][1] is not None, httpd.requests

    # An agent of a standalone account gets every feed by hash and detects with them.
    account = admin.create_account()
    account.client().create_detector(Enable=True)
    logs = tmp_path / "logs"
    for source in ["flow", "cloudtrail", "dns"]:
        os.makedirs(logs / source)
    agent = Agent("intel", account, "us-east-1", str(tmp_path / "state"), flow_logs=[str(logs / "flow")],
                  cloudtrail=[str(logs / "cloudtrail")], dns_logs=[str(logs / "dns")]).start()
    try:
        wait_for(lambda: "configuration applied" in agent.log(), what="the first configuration")
        config = json.load(open(tmp_path / "state" / "config.json"))
        assert {f["name"] for f in config["feeds"]} >= {n for n, _, _, _ in ADDED}
        write_attack_logs(logs, account.account_id)
        detector = account.client().list_detectors()["DetectorIds"][0]
        expected = {
            "UnauthorizedAccess:EC2/TorClient": "tor",
            "Backdoor:EC2/C&CActivity.B": "feodo",
            "Recon:IAMUser/MaliciousIPCaller": "phish-ips",  # ListUsers is a reconnaissance API
            "CryptoCurrency:EC2/BitcoinTool.B!DNS": "mining",
            "Trojan:EC2/PhishingDomainRequest!DNS": "phish-domains",
            "Impact:EC2/MaliciousDomainRequest.Reputation": "urlhaus",
        }
        try:
            found = wait_for(lambda: findings_by_type(account, detector, expected), timeout=90, what="findings of every feed")
        except AssertionError:
            assert sorted(findings_by_type(account, detector, {})) == sorted(expected)
        for finding_type, feed in expected.items():
            finding = found[finding_type]
            assert finding["Service"]["Evidence"]["ThreatIntelligenceDetails"][0]["ThreatListName"] == feed, finding
            assert json.loads(finding["Service"]["AdditionalInfo"]["Value"])["threatListName"] == feed
            assert not finding_type.endswith(".Custom")

        # Enriched at ingest from the server's databases (the agent has none).
        tor_remote = found["UnauthorizedAccess:EC2/TorClient"]["Service"]["Action"]["NetworkConnectionAction"]["RemoteIpDetails"]
        assert tor_remote["Country"]["CountryCode"] == "GB" and tor_remote["City"]["CityName"] == "London", tor_remote
        assert abs(tor_remote["GeoLocation"]["Lat"] - 51.5142) < 0.01
        c2_remote = found["Backdoor:EC2/C&CActivity.B"]["Service"]["Action"]["NetworkConnectionAction"]["RemoteIpDetails"]
        assert c2_remote["Organization"]["Asn"] == "1221" and "Telstra" in c2_remote["Organization"]["AsnOrg"], c2_remote

        # The feed that matched is a criterion, as GuardDuty's service.additionalInfo.threatListName.
        criteria = {"Criterion": {"service.additionalInfo.threatListName": {"Equals": ["feodo"]}}}
        ids = account.client().list_findings(DetectorId=detector, FindingCriteria=criteria)["FindingIds"]
        assert ids == [found["Backdoor:EC2/C&CActivity.B"]["Id"]]

        # A refresh with new content reaches the running agent without a restart.
        with open(root / "firehol-ipsets/tor_exits.ipset", "a") as f:
            f.write("203.0.113.250\n")
        assert refresh(admin, "--name", "tor")["tor"].startswith("in force: 1372 entries")
        new_sha = feeds(admin)["tor"]["sha256"]
        wait_for(lambda: any(f["sha256"] == new_sha for f in json.load(open(tmp_path / "state" / "config.json"))["feeds"]),
                 timeout=15, what="the new tor feed at the agent")
    finally:
        agent.stop()


def test_the_server_fetches_a_feed_just_added_on_its_own_schedule(admin, feed_server):
    httpd, _ = feed_server
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    admin.cli("intel", "add", "--name", "scheduled", "--url", f"{base}/crypto-mining/nocoin-hosts.txt", "--kind", "mining-domain",
              "--format", "hosts")
    feed = wait_for(lambda: feeds(admin)["scheduled"] if feeds(admin)["scheduled"]["state"] == "ACTIVE" else None, timeout=30,
                    what="the server's schedule fetching the new feed")
    assert feed["entries"] > 300 and feed["status"].startswith("in force: ")
    admin.cli("intel", "remove", "--name", "scheduled")


def test_a_malformed_or_shrunken_version_keeps_the_previous_one_and_says_why(admin, feed_server):
    httpd, root = feed_server
    before = feeds(admin)["feodo"]
    assert before["state"] == "ACTIVE"
    path = root / "firehol-ipsets/feodo.ipset"
    original = open(path, "rb").read()
    try:
        open(path, "w").write("<html><body>Service temporarily unavailable</body></html>\n" * 50)
        outcome = refresh(admin, "--name", "feodo")["feodo"]
        assert outcome.startswith("previous version kept: the new version"), outcome
        after = feeds(admin)["feodo"]
        assert after["state"] == "STALE" and after["sha256"] == before["sha256"] and after["entries"] == before["entries"]
        assert "Service temporarily" not in after["status"]  # nothing a feed sent is echoed
    finally:
        open(path, "wb").write(original)
    assert refresh(admin, "--name", "feodo")["feodo"].startswith("not modified")

    # ThreatFox's 19,863 addresses shrinking to 5 at once is held back until the operator accepts it.
    before = feeds(admin)["threatfox"]
    path = root / "threatfox/ips.txt"
    original = open(path, "rb").read()
    try:
        open(path, "w").write("\n".join(original.decode().splitlines()[:5]) + "\n")
        outcome = refresh(admin, "--name", "threatfox")["threatfox"]
        assert "less than half" in outcome, outcome
        assert feeds(admin)["threatfox"]["sha256"] == before["sha256"]
        outcome = refresh(admin, "--name", "threatfox", "--accept-shrink")["threatfox"]
        assert outcome.startswith("in force: 5 entries"), outcome
    finally:
        open(path, "wb").write(original)
    assert refresh(admin, "--name", "threatfox")["threatfox"].startswith("in force: 19863 entries")


def test_air_gapped_import_and_removal(admin, tmp_path):
    source = os.path.join(FEEDS, "firehol-ipsets/et_compromised.ipset")
    result = json.loads(admin.cli("intel", "import", "--name", "offline-c2", "--kind", "c2-ip", "--file", source).stdout)
    assert result["imported"] == "offline-c2" and int(result["entries"]) > 500
    listed = feeds(admin)["offline-c2"]
    assert listed["state"] == "ACTIVE" and listed.get("url") is None
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 100)
    bad = admin.cli("intel", "import", "--name", "offline-c2", "--file", str(garbage), check=False)
    assert bad.returncode != 0 and "was not imported" in bad.stderr
    assert feeds(admin)["offline-c2"]["sha256"] == listed["sha256"]
    admin.cli("intel", "remove", "--name", "offline-c2")
    assert "offline-c2" not in feeds(admin)
    missing = admin.cli("intel", "remove", "--name", "offline-c2", check=False)
    assert missing.returncode != 0 and "no feed is named" in missing.stderr


def test_scan_works_offline_on_the_same_feed_files(tmp_path):
    intel = tmp_path / "intel"
    for kind, file in [("tor-exit", "firehol-ipsets/tor_exits.ipset"), ("c2-ip", "firehol-ipsets/feodo.ipset"),
                       ("phishing-domain", "phishing/phishing-domains-NEW-today.2025-09-30.txt"),
                       ("malicious-domain", "urlhaus/urlhaus-filter-hosts.txt")]:
        os.makedirs(intel / "feeds" / kind, exist_ok=True)
        shutil.copy(os.path.join(FEEDS, file), intel / "feeds" / kind)
    with open(intel / "feeds" / "tor-exit" / "tor_exits.ipset", "a") as f:
        f.write(TOR_EXIT + "\n")
    with open(intel / "feeds" / "c2-ip" / "feodo.ipset", "a") as f:
        f.write(C2 + "\n")
    logs = tmp_path / "logs"
    for source in ["flow", "cloudtrail", "dns"]:
        os.makedirs(logs / source)
    write_attack_logs(logs, "123456789012")
    result = subprocess.run([AGENT, "scan", "--intel-dir", str(intel), "--flow-logs", str(logs / "flow"), "--dns-logs", str(logs / "dns"),
                             "--geoip-city", os.path.join(GEOIP, "GeoIP2-City-Test.mmdb")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    types = {f["type"]: f for f in json.loads(result.stdout)}
    tor = types["UnauthorizedAccess:EC2/TorClient"]
    assert tor["service"]["evidence"]["threatIntelligenceDetails"][0]["threatListName"] == "tor_exits"
    assert tor["service"]["action"]["networkConnectionAction"]["remoteIpDetails"]["country"]["countryCode"] == "GB"
    assert "Backdoor:EC2/C&CActivity.B" in types
    assert "Trojan:EC2/PhishingDomainRequest!DNS" in types
    assert "Impact:EC2/MaliciousDomainRequest.Reputation" in types


def findings_by_type(account, detector, expected):
    gd = account.client()
    ids = gd.list_findings(DetectorId=detector, MaxResults=50)["FindingIds"]
    found = {f["Type"]: f for f in gd.get_findings(DetectorId=detector, FindingIds=ids)["Findings"]} if ids else {}
    return found if all(t in found for t in expected) else None


def write_attack_logs(logs, account_id):
    """Flow records to a Tor exit and a C&C server, an API call from a phishing server, DNS queries of feed domains."""
    start = 1_764_000_000
    flows = ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"]
    for i, remote in enumerate([TOR_EXIT, C2]):
        flows.append(f"2 {account_id} eni-0a1b2c3d 10.0.0.5 {remote} {45000 + i} 443 6 12 4200 {start + i} {start + i + 30} ACCEPT OK")
        flows.append(f"2 {account_id} eni-0a1b2c3d {remote} 10.0.0.5 443 {45000 + i} 6 10 9100 {start + i} {start + i + 30} ACCEPT OK")
    (logs / "flow" / "eni.log").write_text("\n".join(flows) + "\n")
    record = {
        "eventVersion": "1.09", "eventTime": "2025-11-24T16:00:00Z", "eventSource": "iam.amazonaws.com", "eventName": "ListUsers",
        "awsRegion": "us-east-1", "sourceIPAddress": PHISHING_IP, "userAgent": "aws-cli/2.15.0",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": f"arn:aws:iam::{account_id}:user/alice",
                         "accountId": account_id, "accessKeyId": "AKIAEXAMPLE", "userName": "alice"},
        "requestParameters": None, "responseElements": None, "eventCategory": "Management", "managementEvent": True, "readOnly": True,
        "recipientAccountId": account_id,
    }
    (logs / "cloudtrail" / "trail.json").write_text(json.dumps({"Records": [record]}))
    queries = []
    for i, name in enumerate([MINING_DOMAIN, PHISHING_DOMAIN, "www." + MALWARE_HOST]):
        queries.append(json.dumps({
            "version": "1.100000", "account_id": account_id, "region": "us-east-1", "vpc_id": "vpc-0abc",
            "query_timestamp": f"2025-11-24T16:00:0{i}Z", "query_name": name + ".", "query_type": "A", "query_class": "IN",
            "rcode": "NOERROR", "answers": [], "srcaddr": "10.0.0.5", "srcport": "53530", "transport": "UDP",
            "srcids": {"instance": "i-0abc1234def567890"},
        }))
    (logs / "dns" / "resolver.log").write_text("\n".join(queries) + "\n")
