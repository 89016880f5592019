"""Finding events to the operator's webhooks: EventBridge's envelope, HMAC-signed, retried while the receiver is
down, kept across an administrator restart, never for suppressed findings, and the administrator gets its members'."""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


import pytest

from conftest import Server, enrolled_pair, free_port
from test_findings import finding, ingest


class Receiver:
    """A local webhook receiver that can answer 503 ("down") or 200 and records what it accepted."""

    def __init__(self):
        self.up = False
        self.accepted = []
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not receiver.up:
                    receiver.refused += 1
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.accepted.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/guardduty"

    def events(self):
        return [json.loads(body) for _, body in self.accepted]


@pytest.fixture(scope="module")
def server():
    # The receivers here listen on loopback, which webhook delivery refuses unless the operator allows it.
    s = Server("webhooks", extra_args=["--allow-fetch-from", "127.0.0.0/8"]).start()
    yield s
    s.stop()


def wait_for(predicate, timeout=40):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def test_events_are_signed_retried_and_survive_a_restart(server):
    receiver = Receiver()
    admin, admin_detector, member, member_detector = enrolled_pair(server)
    gd = admin.client()
    added = json.loads(server.cli("webhooks", "add", "--account-id", admin.account_id, "--url", receiver.url, "--secret", "s3cret").stdout)
    gd.create_filter(DetectorId=admin_detector, Name="noise", Action="ARCHIVE",
                     FindingCriteria={"Criterion": {"service.action.networkConnectionAction.remoteIpDetails.ipAddressV4": {"Eq": ["192.0.2.1"]}}})

    # The receiver is down: the event waits and is retried.
    assert ingest(member, member_detector, [finding(member.account_id, member_detector, "w1"),
                                            finding(member.account_id, member_detector, "quiet", remote="192.0.2.1")]).status_code == 200
    assert wait_for(lambda: receiver.refused >= 2)
    hooks = json.loads(server.cli("webhooks", "list").stdout)
    mine = [h for h in hooks if h["webhookId"] == added["webhookId"]][0]
    assert mine["pending"] == 1 and mine["failedAttempts"] >= 1 and mine["signed"] is True

    # The administrator restarts with the event still pending; then the receiver comes up.
    server.process.terminate()
    server.process.wait(timeout=30)
    server.start()
    receiver.up = True
    assert wait_for(lambda: len(receiver.accepted) == 1, timeout=60)
    headers, body = receiver.accepted[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["x-guardpost-signature"] == expected
    event = json.loads(body)
    assert event["detail-type"] == "GuardDuty Finding" and event["source"] == "aws.guardduty" and event["version"] == "0"
    assert event["account"] == admin.account_id and event["detail"]["accountId"] == member.account_id
    assert event["detail"]["id"] == "w1" and event["id"] == headers["x-guardpost-event-id"]

    # An update is an event too; a replayed batch is not; the suppressed finding never is.
    ingest(member, member_detector, [finding(member.account_id, member_detector, "w1", count=4, updated="2026-11-22T00:00:00.000Z")])
    ingest(member, member_detector, [finding(member.account_id, member_detector, "w1", count=4, updated="2026-11-22T00:00:00.000Z")])
    assert wait_for(lambda: len(receiver.accepted) == 2)
    time.sleep(1.5)
    events = receiver.events()
    assert [e["detail"]["service"]["count"] for e in events] == [1, 4]
    assert len({e["id"] for e in events}) == 2
    assert all(e["detail"]["id"] != "quiet" for e in events)
    hooks = json.loads(server.cli("webhooks", "list").stdout)
    assert [h for h in hooks if h["webhookId"] == added["webhookId"]][0]["delivered"] == 2
    server.cli("webhooks", "remove", "--webhook-id", added["webhookId"])
    assert not [h for h in json.loads(server.cli("webhooks", "list").stdout) if h["webhookId"] == added["webhookId"]]
    bad = server.cli("webhooks", "add", "--account-id", admin.account_id, "--url", "ftp://example.com/x", check=False)
    assert bad.returncode != 0
