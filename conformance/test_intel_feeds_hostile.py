"""Managed intelligence feeds attacked as an outsider would: a feed source that redirects to loopback or the metadata
address, trickles, sends 40 MB, binary bytes, NUL bytes, very long lines, CRLF and a UTF-8 BOM, odd validators; a feed
that lists the whole Internet or a public suffix; a million entries; `intel` command-line misuse; two refreshes at
once; the server's own schedule with the default feeds unreachable. Tests marked xfail(strict) are defects: the lead
fixes the code and drops the mark."""
import json
import os
import subprocess
import threading
import time
import http.server

import pytest

from conftest import Server
from test_agents_end_to_end import AGENT, Agent, wait_for

MEMBER_ADDRESS = "198.51.100.10"  # TEST-NET-2: on the "good" feeds below


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers each path with the route the test gave it; records each request's conditional headers."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")))
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def answer(data, headers=()):
    def route(handler):
        etag = dict(headers).get("ETag")
        if etag is not None and handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    return route


def redirect(location):
    def route(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return route


def trickle(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(60):
        handler.wfile.write(b"198.51.100.1\n")
        handler.wfile.flush()
        time.sleep(0.5)


def forty_megabytes(with_length):
    def route(handler):
        size = 40 * 1024 * 1024
        handler.send_response(200)
        handler.send_header("Content-Length", str(size)) if with_length else handler.send_header("Connection", "close")
        handler.end_headers()
        chunk, sent = b"198.51.100.77\n" * 4096, 0
        while sent < size:
            handler.wfile.write(chunk)
            sent += len(chunk)
    return route


def slow(seconds, data):
    def route(handler):
        time.sleep(seconds)
        answer(data)(handler)
    return route


def start_feed_server(host):
    httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
    httpd.routes, httpd.requests = {}, []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def admin():
    # The `intel refresh` commands below allow 127.0.0.2 only, so that 127.0.0.1 and 169.254.169.254 stay refused; this
    # server's own schedule is off (it would claim the test's feeds under the commands). A second server runs its
    # schedule with no --allow-fetch-from, started now so that its first pass is done when the last tests look.
    server = Server("intel_hostile", extra_args=["--no-intel-fetch"]).start()
    scheduled = Server("intel_hostile_schedule").start()
    scheduled.started_at = time.time()
    server.scheduled = scheduled
    yield server
    server.stop()
    scheduled.stop()


@pytest.fixture(scope="module")
def feeds_host():
    httpd = start_feed_server("127.0.0.2")
    yield httpd, f"http://127.0.0.2:{httpd.server_address[1]}"
    httpd.shutdown()


def add(admin, name, url, kind="tor-exit", fmt="plain", check=True):
    return admin.cli("intel", "add", "--name", name, "--url", url, "--kind", kind, "--format", fmt, check=check)


def refresh(admin, *names, allow="127.0.0.2/32"):
    args = ["intel", "refresh", "--allow-fetch-from", allow]
    for name in names:
        args += ["--name", name]
    result = admin.cli(*args)
    return {r["feed"]: r["outcome"] for r in json.loads(result.stdout)}


def listed(admin, name):
    return next(f for f in json.loads(admin.cli("intel", "list").stdout) if f["name"] == name)


def serve_and_add(admin, feeds_host, name, route, kind="tor-exit", fmt="plain"):
    httpd, base = feeds_host
    httpd.routes["/" + name] = route
    add(admin, name, f"{base}/{name}", kind, fmt)


def test_redirects_to_loopback_or_the_metadata_address_are_refused_when_not_allowed(admin, feeds_host):
    httpd, base = feeds_host
    port = httpd.server_address[1]
    httpd.routes["/good"] = answer(b"198.51.100.1\n")
    serve_and_add(admin, feeds_host, "to-loopback", redirect(f"http://127.0.0.1:{port}/good"))
    serve_and_add(admin, feeds_host, "to-metadata", redirect("http://169.254.169.254/latest/meta-data/"))
    add(admin, "metadata", "http://169.254.169.254/latest/meta-data/")
    outcomes = refresh(admin, "to-loopback", "to-metadata", "metadata")
    assert "loopback address" in outcomes["to-loopback"] and "not allowed" in outcomes["to-loopback"], outcomes
    assert "link-local address" in outcomes["to-metadata"], outcomes
    assert "link-local address" in outcomes["metadata"], outcomes
    for name in ["to-loopback", "to-metadata", "metadata"]:
        feed = listed(admin, name)
        assert feed["state"] == "NEVER_FETCHED" and feed["status"].startswith("never fetched: the fetch failed: refused"), feed
    # The redirect was followed by hand, never by the client: the loopback target was not asked.
    assert [r for r in httpd.requests if r[0] == "/good"] == []


def test_redirects_to_other_schemes_and_redirect_loops_are_refused(admin, feeds_host):
    _, base = feeds_host
    serve_and_add(admin, feeds_host, "to-file", redirect("file:///etc/passwd"))
    serve_and_add(admin, feeds_host, "loop", redirect(f"{base}/loop"))
    outcomes = refresh(admin, "to-file", "loop")
    assert "only http:// and https:// URLs may be fetched" in outcomes["to-file"], outcomes
    assert "redirected more than 5 times" in outcomes["loop"], outcomes
    assert "passwd" not in listed(admin, "to-file")["status"]


def test_a_feed_that_trickles_is_cut_off_by_the_minimum_rate(admin, feeds_host):
    serve_and_add(admin, feeds_host, "trickle", trickle)
    started = time.time()
    outcome = refresh(admin, "trickle")["trickle"]
    assert time.time() - started < 30
    assert outcome.startswith("not fetched: the fetch failed") and "below the minimum" in outcome, outcome
    assert listed(admin, "trickle")["entries"] == 0


def test_a_40_megabyte_feed_is_refused_with_or_without_a_content_length(admin, feeds_host):
    serve_and_add(admin, feeds_host, "big", forty_megabytes(True))
    serve_and_add(admin, feeds_host, "big-chunked", forty_megabytes(False))
    outcomes = refresh(admin, "big", "big-chunked")
    assert "the limit is 36700160" in outcomes["big"], outcomes
    assert "larger than 36700160 bytes" in outcomes["big-chunked"], outcomes
    assert listed(admin, "big-chunked")["state"] == "NEVER_FETCHED"


def test_binary_garbage_is_refused_and_nothing_it_held_is_echoed(admin, feeds_host):
    garbage = bytes(range(256)) * 10 + b"\n<script>alert(1)</script>\n198.51.100.2\n"
    serve_and_add(admin, feeds_host, "garbage", answer(garbage))
    outcome = refresh(admin, "garbage")["garbage"]
    assert outcome.startswith("not fetched: the new version is mostly not addresses or domains"), outcome
    status = listed(admin, "garbage")["status"]
    assert "<script>" not in status and all(32 <= ord(c) < 127 for c in status), status


def test_bom_crlf_nul_and_very_long_lines_are_read_line_by_line(admin, feeds_host):
    body = (b"\xef\xbb\xbf198.51.100.3\r\n198.51.100.4\r\n" + b"x" * 300_000 + b"\r\n198.51.100.5\r\n"
            + b"198.51.100.6\x00\r\n" + b"# comment\r\n")
    serve_and_add(admin, feeds_host, "awkward", answer(body))
    outcome = refresh(admin, "awkward")["awkward"]
    assert outcome.startswith("in force: 3 entries (2 malformed lines skipped)"), outcome


def test_an_etag_with_control_characters_fails_the_fetch_cleanly_and_is_not_kept(admin, feeds_host):
    serve_and_add(admin, feeds_host, "ctl-etag", answer(b"198.51.100.8\n", [("ETag", '"a\x01b\x7fc"')]))
    outcome = refresh(admin, "ctl-etag")["ctl-etag"]
    assert outcome.startswith("not fetched: the fetch failed"), outcome
    httpd, _ = feeds_host
    httpd.routes["/ctl-etag"] = answer(b"198.51.100.8\n", [("ETag", '"clean"')])
    assert refresh(admin, "ctl-etag")["ctl-etag"].startswith("in force: 1 entries")
    assert refresh(admin, "ctl-etag")["ctl-etag"].startswith("not modified")


def test_an_etag_with_bytes_above_ascii_is_never_sent_back_altered(admin, feeds_host):
    # The HTTP client decodes header values as UTF-8, so such a validator cannot be sent back byte for byte: it is
    # not kept (the next fetch is unconditional) rather than sent back with U+FFFD in place of the byte.
    etag = '"caf\xe9"'  # http.server writes headers as Latin-1: one 0xE9 byte
    serve_and_add(admin, feeds_host, "latin-etag", answer(b"198.51.100.8\n", [("ETag", etag)]))
    refresh(admin, "latin-etag")
    refresh(admin, "latin-etag")
    httpd, _ = feeds_host
    sent = [r[1] for r in httpd.requests if r[0] == "/latin-etag"]
    assert sent[-1] in (None, etag), sent


def test_a_feed_of_the_whole_internet_is_not_put_in_force(admin, feeds_host):
    serve_and_add(admin, feeds_host, "everything", answer(b"0.0.0.0/0\n::/0\n198.51.100.1\n"))
    outcome = refresh(admin, "everything")["everything"]
    # The two /0 lines are malformed ("covers too much of the Internet"); with one entry left the version is mostly
    # malformed and refused. Before: "in force: 2 entries" (0.0.0.0/0 swallowed 198.51.100.1 when merged).
    assert outcome.startswith("not fetched: the new version is mostly not addresses or domains (2 malformed lines, 1 entries"), outcome
    assert "covers too much of the Internet" in outcome


def scan_with_feed_file(tmp_path, kind, file, content, remote, port):
    """`guardpost-agent scan` of one flow from 10.0.0.5 to `remote`:`port`, with one feed file in the intel directory."""
    intel = tmp_path / "intel" / "feeds" / kind
    intel.mkdir(parents=True)
    (intel / file).write_text(content)
    flow = tmp_path / "flow"
    flow.mkdir()
    (flow / "eni.log").write_text(
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
        f"2 123456789012 eni-0a1b2c3d 10.0.0.5 {remote} 45000 {port} 6 12 4200 1764000000 1764000030 ACCEPT OK\n")
    result = subprocess.run([AGENT, "scan", "--intel-dir", str(tmp_path / "intel"), "--flow-logs", str(flow)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


def test_scan_does_not_take_a_whole_internet_feed_file(tmp_path):
    result = scan_with_feed_file(tmp_path, "tor-exit", "everything.txt", "0.0.0.0/0\n", "93.184.216.34", 443)
    assert "UnauthorizedAccess:EC2/TorClient" not in {f["type"] for f in json.loads(result.stdout)}


def test_a_feed_cannot_list_a_top_level_domain_or_a_bare_wildcard(admin, feeds_host):
    serve_and_add(admin, feeds_host, "tlds", answer(b"com\n*\n*.com\n.\nnet.\n198.51.100.1\nexample.org\n"), kind="malicious-domain")
    outcome = refresh(admin, "tlds")["tlds"]
    # Five lines are not names; two entries are not a majority: the version is refused as mostly malformed.
    assert outcome.startswith("not fetched: the new version is mostly not addresses or domains (5 malformed lines, 2 entries"), outcome


def test_a_feed_cannot_list_a_public_suffix(admin, feeds_host):
    serve_and_add(admin, feeds_host, "suffixes", answer(b"co.uk\ngithub.io\nexample.org\n"), kind="phishing-domain", fmt="domains")
    outcome = refresh(admin, "suffixes")["suffixes"]
    assert outcome.startswith("in force: 1 entries (0 malformed lines skipped, 2 public suffixes left out)"), outcome


def test_intel_command_line_misuse_is_refused_with_a_clear_error(admin, tmp_path):
    url = "https://example.com/feed.txt"
    for name in ["", "a" * 65, "Ünï", "_x", "../x", "a b", "x\ny"]:
        bad = admin.cli("intel", "add", "--name", name, "--url", url, "--kind", "c2-ip", check=False)
        assert bad.returncode != 0 and "a feed name is 1 to 64" in bad.stderr, (name, bad.stderr)
    add(admin, "dup", url, "c2-ip")
    again = add(admin, "dup", url, "c2-ip", check=False)
    assert again.returncode != 0 and "already exists" in again.stderr
    for minutes in ["0", "4", "10081", "99999999999"]:
        bad = admin.cli("intel", "add", "--name", "m", "--url", url, "--kind", "c2-ip", "--refresh-minutes", minutes, check=False)
        assert bad.returncode != 0 and "--refresh-minutes must be from 5 to 10080" in bad.stderr, bad.stderr
    bad = add(admin, "fmt", url, "c2-ip", fmt="bogus", check=False)
    assert bad.returncode != 0 and "--format must be one of" in bad.stderr
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"198.51.100.1\n" * (3 * 1024 * 1024))
    for path, words in [(tmp_path, "not a readable regular file"), (fifo, "not a readable regular file"),
                        ("/dev/zero", "not a readable regular file"), (tmp_path / "missing", "not a readable regular file"),
                        (huge, "feeds are limited to 36700160 bytes")]:
        bad = admin.cli("intel", "import", "--name", "imp", "--kind", "c2-ip", "--file", str(path), check=False)
        assert bad.returncode != 0 and words in bad.stderr, (path, bad.stderr)
    unknown = admin.cli("intel", "import", "--name", "nobody", "--file", str(huge), check=False)
    assert unknown.returncode != 0
    for command in [["refresh", "--name", "nobody"], ["remove", "--name", "nobody"]]:
        bad = admin.cli("intel", *command, check=False)
        assert bad.returncode != 0 and "no feed is named nobody" in bad.stderr


def test_a_feed_url_with_credentials_is_refused_at_add(admin):
    result = admin.cli("intel", "add", "--name", "creds", "--url", "https://user:s3cret@example.com/feed", "--kind", "c2-ip",
                       check=False)
    shown = admin.cli("intel", "list").stdout
    assert result.returncode != 0 and "s3cret" not in shown


def test_two_refreshes_at_once_both_say_what_became_of_the_feed(admin, feeds_host):
    serve_and_add(admin, feeds_host, "slow", slow(3, b"198.51.100.9\n"))
    results = {}

    def run(key):
        results[key] = refresh(admin, "slow")

    threads = [threading.Thread(target=run, args=(key,)) for key in (1, 2)]
    for thread in threads:
        thread.start()
        time.sleep(0.3)
    for thread in threads:
        thread.join()
    assert any(r.get("slow", "").startswith("in force: 1 entries") for r in results.values()), results
    assert all("slow" in r for r in results.values()), results


@pytest.fixture(scope="module")
def pushed(admin, tmp_path_factory):
    """A running agent gets a two-line feed, then a million-entry feed, then a new version of the two-line feed: how
    long each took from the end of its `intel import` to the agent's configuration on disk."""
    tmp_path = tmp_path_factory.mktemp("pushed")
    small = tmp_path / "small.txt"
    small.write_text(MEMBER_ADDRESS + "\n198.51.100.11\n")
    million = tmp_path / "million.txt"
    million.write_text("".join(f"{11 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.1\n" for i in range(1_000_000)) + MEMBER_ADDRESS + "\n")
    account = admin.create_account()
    client = account.client()
    client.create_detector(Enable=True)
    client.close()  # an idle keep-alive connection would hold the server's graceful shutdown
    logs = tmp_path / "flow"
    logs.mkdir()
    agent = Agent("intel-million", account, "us-east-1", str(tmp_path / "state"), flow_logs=[str(logs)]).start()
    config = tmp_path / "state" / "config.json"
    seconds = {}

    def push(name, path, timeout):
        started = time.time()
        imported = json.loads(admin.cli("intel", "import", "--name", name, "--kind", "c2-ip", "--file", str(path)).stdout)
        committed = time.time()
        sha = listed(admin, name)["sha256"]
        wait_for(lambda: any(f["sha256"] == sha for f in json.load(open(config)).get("feeds", [])), timeout=timeout,
                 what=f"feed {name} at the agent")
        return imported, committed - started, time.time() - committed

    try:
        wait_for(lambda: "configuration applied" in agent.log(), what="the first configuration")
        _, _, seconds["small"] = push("small", small, 10)
        imported, seconds["million import"], seconds["million"] = push("million", million, 40)
        seconds["million entries"] = int(imported["entries"])
        small.write_text(MEMBER_ADDRESS + "\n198.51.100.12\n")
        _, _, seconds["small again"] = push("small", small, 40)
        print(f"\nfeed push: {seconds}")
    finally:
        agent.stop()
    return seconds


def test_a_small_feed_reaches_a_running_agent_within_the_push_goal_and_a_million_entries_soon_after(pushed):
    # The push goal is p99 <= 1 s on an idle machine; two shared cores get some slack (`intel list` costs ~0.1 s too).
    assert pushed["small"] < 2.5, pushed
    assert pushed["million entries"] == 1_000_001 and pushed["million import"] < 30 and pushed["million"] < 40, pushed


def test_scan_skips_a_fifo_or_a_directory_among_the_feed_files(tmp_path):
    feeds = tmp_path / "intel" / "feeds"
    (feeds / "tor-exit").mkdir(parents=True)
    os.mkfifo(feeds / "tor-exit" / "pipe.txt")
    (feeds / "c2-ip" / "subdir").mkdir(parents=True)
    (feeds / "c2-ip" / "c2.txt").write_text("93.184.216.34\n")
    flow = tmp_path / "flow"
    flow.mkdir()
    (flow / "eni.log").write_text(
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
        "2 123456789012 eni-0a1b2c3d 10.0.0.5 93.184.216.34 45000 443 6 12 4200 1764000000 1764000030 ACCEPT OK\n")
    result = subprocess.run([AGENT, "scan", "--intel-dir", str(tmp_path / "intel"), "--flow-logs", str(flow)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert {f["type"] for f in json.loads(result.stdout)} == {"Backdoor:EC2/C&CActivity.B"}


# The agent keeps parsed contents by hash and reuses the intelligence when only settings change; a feed's new
# version still rebuilds the address matcher over every feed (about 2.6 s with a million entries in a debug build,
# 9.6 s before the contents were kept). The bound is loose for two shared cores.
def test_a_small_feed_change_reaches_the_agent_in_seconds_while_a_million_entry_feed_is_in_force(pushed):
    assert pushed["small again"] < 6, pushed


def test_a_feed_of_private_ranges_raises_nothing_on_internal_traffic(tmp_path):
    result = scan_with_feed_file(tmp_path, "c2-ip", "bogons.netset", "# FireHOL level1 lists the bogons\n10.0.0.0/8\n192.168.0.0/16\n",
                                 "10.0.0.6", 5432)
    assert json.loads(result.stdout) == []
    assert "flow logs: 1 records read" in result.stderr


def test_the_schedule_with_unreachable_default_feeds_logs_one_line_each_and_keeps_serving(admin):
    admin = admin.scheduled
    # The schedule looks every 5 s: by now (or within 40 s of the server's start) it has tried every default feed.
    wait_for(lambda: "feed=mining-pools" in open(admin.log_path).read(), timeout=max(5, 45 - (time.time() - admin.started_at)),
             what="the schedule's first pass over the default feeds")
    assert admin.alive()
    log = open(admin.log_path).read()
    for name in ["tor-exits", "feodo-c2", "urlhaus-hosts", "phishing-domains", "mining-pools"]:
        lines = [line for line in log.splitlines() if f"feed={name} " in line]
        assert lines and all("intelligence feed checked" in line and "the fetch failed" in line for line in lines), lines
        assert listed(admin, name)["status"].startswith("never fetched: the fetch failed"), listed(admin, name)


def test_the_schedule_log_does_not_claim_a_previous_version_of_a_feed_never_fetched(admin):
    admin = admin.scheduled
    wait_for(lambda: "feed=tor-exits" in open(admin.log_path).read(), timeout=max(5, 45 - (time.time() - admin.started_at)),
             what="the schedule's first pass")
    lines = [line for line in open(admin.log_path).read().splitlines() if "feed=tor-exits " in line]
    assert lines and not any("previous version kept" in line for line in lines), lines
