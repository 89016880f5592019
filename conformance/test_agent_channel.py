"""The agent channel: an agent long-polls its effective configuration and is woken by an administrator's change;
list content in force is served by hash."""
import hashlib
import os
import threading
import time

import pytest

from conftest import Server, send


@pytest.fixture(scope="module")
def server(lists_dir):
    s = Server("agent_channel", extra_args=["--lists-dir", lists_dir]).start()
    yield s
    s.stop()


def test_config_long_poll_is_woken_by_the_administrator(server, lists_dir):
    admin, member = server.create_account(), server.create_account()
    admin_detector = admin.client().create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")["DetectorId"]
    member_detector = member.client().create_detector(Enable=True)["DetectorId"]
    gd = admin.client()
    gd.create_members(DetectorId=admin_detector, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    gd.invite_members(DetectorId=admin_detector, AccountIds=[member.account_id])
    invitation = member.client().list_invitations()["Invitations"][0]["InvitationId"]
    member.client().accept_administrator_invitation(DetectorId=member_detector, AdministratorId=admin.account_id, InvitationId=invitation)

    first = send(member.signed("GET", f"/agent/v1/config?detectorId={member_detector}"))
    assert first.status_code == 200, first.text
    config = first.json()
    assert config["administratorId"] == admin.account_id and config["findingPublishingFrequency"] == "SIX_HOURS"
    version = config["version"]
    # Nothing new: 304 once the wait is over.
    assert send(member.signed("GET", f"/agent/v1/config?detectorId={member_detector}&version={version}&wait=0")).status_code == 304

    # A waiting agent is answered as soon as the administrator changes what is in force for it.
    result = {}
    def poll():
        result["response"] = send(member.signed("GET", f"/agent/v1/config?detectorId={member_detector}&version={version}&wait=30"))
    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(0.5)
    gd.update_detector(DetectorId=admin_detector, FindingPublishingFrequency="FIFTEEN_MINUTES")
    waiter.join(timeout=40)
    response = result["response"]
    assert response.status_code == 200, "the waiting agent was not woken before its 30 s wait ran out"
    assert response.json()["version"] > version and response.json()["findingPublishingFrequency"] == "FIFTEEN_MINUTES"

    # A list activated by the administrator appears in the member's configuration and is served by hash.
    path = os.path.join(lists_dir, "threats.txt")
    with open(path, "w") as f:
        f.write("92.55.146.245\n200.58.83.0/24\n")
    list_id = gd.create_threat_intel_set(DetectorId=admin_detector, Name="t", Format="TXT", Location=f"file://{path}", Activate=True)["ThreatIntelSetId"]
    deadline = time.time() + 15
    while gd.get_threat_intel_set(DetectorId=admin_detector, ThreatIntelSetId=list_id)["Status"] != "ACTIVE" and time.time() < deadline:
        time.sleep(0.1)
    lists = send(member.signed("GET", f"/agent/v1/config?detectorId={member_detector}")).json()["lists"]
    assert [(l["id"], l["kind"], l["trusted"], l["entryCount"]) for l in lists] == [(list_id, "THREAT_INTEL_SET", False, 2)]
    sha = lists[0]["sha256"]
    content = send(member.signed("GET", f"/agent/v1/lists/{sha}"))
    assert content.status_code == 200 and content.text == "92.55.146.245\n200.58.83.0/24\n"
    assert hashlib.sha256(content.content).hexdigest() == sha
    assert send(member.signed("GET", f"/agent/v1/lists/{sha}", headers={"If-None-Match": f'"{sha}"'})).status_code == 304
    # Not in force for a stranger, and a stranger cannot poll someone else's detector.
    stranger = server.create_account()
    stranger.client().create_detector(Enable=True)
    assert send(stranger.signed("GET", f"/agent/v1/lists/{sha}")).status_code == 404
    assert send(stranger.signed("GET", f"/agent/v1/config?detectorId={member_detector}")).status_code == 400
    assert send(member.signed("GET", "/agent/v1/config")).status_code == 400
