"""Two guardpost-admin replicas on one database: a change made through one is seen through the other at once
(PostgreSQL LISTEN/NOTIFY retires the other replica's cached keys and responses)."""
import time

import pytest

from conftest import Server


@pytest.fixture(scope="module")
def replicas(server):
    second = Server("replicas-b", share_with=server).start()
    yield server, second
    second.stop()


def eventually(check, seconds=2.0):
    deadline = time.time() + seconds
    while True:
        try:
            if check():
                return True
        except Exception:
            if time.time() > deadline:
                raise
        if time.time() > deadline:
            return False
        time.sleep(0.05)


def as_replica(account, replica, region="us-east-1"):
    original = account.server
    account.server = replica
    try:
        return account.client(region)
    finally:
        account.server = original


def test_settings_changed_on_one_replica_are_served_by_the_other(replicas):
    first, second = replicas
    account = first.create_account()
    via_first, via_second = account.client(), as_replica(account, second)
    detector_id = via_first.create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")["DetectorId"]
    assert via_second.get_detector(DetectorId=detector_id)["FindingPublishingFrequency"] == "SIX_HOURS"  # now cached there
    via_first.update_detector(DetectorId=detector_id, FindingPublishingFrequency="FIFTEEN_MINUTES")
    assert eventually(lambda: via_second.get_detector(DetectorId=detector_id)["FindingPublishingFrequency"] == "FIFTEEN_MINUTES", 1.0)
    arn = f"arn:aws:guardduty:us-east-1:{account.account_id}:detector/{detector_id}"
    via_second.tag_resource(ResourceArn=arn, Tags={"owner": "secops"})
    assert eventually(lambda: via_first.get_detector(DetectorId=detector_id)["Tags"] == {"owner": "secops"}, 1.0)
    via_first.delete_detector(DetectorId=detector_id)

    def gone():
        try:
            via_second.get_detector(DetectorId=detector_id)
            return False
        except via_second.exceptions.BadRequestException:
            return True
    assert eventually(gone, 1.0)


def test_a_key_revoked_by_the_cli_is_refused_by_every_replica(replicas):
    first, second = replicas
    account = first.create_account()
    via_first, via_second = account.client(), as_replica(account, second)
    assert via_first.list_detectors()["DetectorIds"] == [] and via_second.list_detectors()["DetectorIds"] == []
    first.cli("accounts", "revoke-key", "--access-key-id", account.access_key_id)
    for client in (via_first, via_second):
        with pytest.raises(client.exceptions.ClientError) as raised:
            client.list_detectors()
        assert raised.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_an_agent_waiting_on_one_replica_is_woken_by_a_change_made_through_the_other(replicas):
    import threading
    from conftest import send
    first, second = replicas
    account = first.create_account()
    detector_id = account.client().create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")["DetectorId"]
    version = send(account.signed("GET", f"/agent/v1/config?detectorId={detector_id}")).json()["version"]
    result = {}

    account.server = second
    try:
        waiting = account.signed("GET", f"/agent/v1/config?detectorId={detector_id}&version={version}&wait=30")  # to replica B
    finally:
        account.server = first

    def poll():
        started = time.time()
        result["response"] = send(waiting)
        result["seconds"] = time.time() - started
    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(1.0)

    account.client().update_detector(DetectorId=detector_id, FindingPublishingFrequency="ONE_HOUR")
    waiter.join(timeout=35)
    assert result["response"].status_code == 200
    assert result["response"].json()["findingPublishingFrequency"] == "ONE_HOUR"
    # Answered within a second or two of the change, long before the 30 s wait ran out.
    assert result["seconds"] < 5.0


def test_list_members_pages_served_from_memory_follow_changes_made_anywhere(replicas):
    """ListMembers pages are cached per replica; a membership change through the other replica, the member's own
    acceptance and the member's new detector all reach the cached page (a statement trigger NOTIFYs every replica)."""
    first, second = replicas
    admin, member = first.create_account(), first.create_account()
    via_first, via_second = admin.client(), as_replica(admin, second)
    detector_id = via_first.create_detector(Enable=True)["DetectorId"]

    def listed():
        return {m["AccountId"]: m for m in via_second.list_members(DetectorId=detector_id, OnlyAssociated="false")["Members"]}
    assert listed() == {}  # cached on the second replica now
    via_first.create_members(DetectorId=detector_id, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    assert eventually(lambda: listed().get(member.account_id, {}).get("RelationshipStatus") == "Created", 1.0)
    via_first.invite_members(DetectorId=detector_id, AccountIds=[member.account_id])
    assert eventually(lambda: listed()[member.account_id]["RelationshipStatus"] == "Invited", 1.0)
    assert "DetectorId" not in listed()[member.account_id]

    member_client = member.client()
    member_detector = member_client.create_detector(Enable=True)["DetectorId"]
    assert eventually(lambda: listed()[member.account_id].get("DetectorId") == member_detector, 1.0)
    invitation = member_client.list_invitations()["Invitations"][0]["InvitationId"]
    member_client.accept_administrator_invitation(DetectorId=member_detector, AdministratorId=admin.account_id, InvitationId=invitation)
    assert eventually(lambda: listed()[member.account_id]["RelationshipStatus"] == "Enabled", 1.0)
    associated = via_second.list_members(DetectorId=detector_id)["Members"]  # OnlyAssociated defaults to true
    assert [m["AccountId"] for m in associated] == [member.account_id]

    # Through the same replica a change is seen by the very next read, with no wait at all.
    via_second.disassociate_members(DetectorId=detector_id, AccountIds=[member.account_id])
    assert via_second.list_members(DetectorId=detector_id)["Members"] == []
    # Another account never gets the cached page of a detector it does not own.
    stranger = as_replica(first.create_account(), second)
    with pytest.raises(stranger.exceptions.BadRequestException):
        stranger.list_members(DetectorId=detector_id, OnlyAssociated="false")
