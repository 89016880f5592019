"""The whole invitation lifecycle between three accounts in two regions, driven with boto3 and the aws CLI."""
import pytest


@pytest.fixture(scope="module")
def org(server):
    admin = server.create_account()
    member_b = server.create_account()
    member_c = server.create_account()
    return admin, member_b, member_c


def detector(account, region):
    client = account.client(region)
    ids = client.list_detectors()["DetectorIds"]
    return ids[0] if ids else client.create_detector(Enable=True)["DetectorId"]


def test_lifecycle_in_two_regions(org):
    admin, b, c = org
    for region in ("us-east-1", "eu-west-1"):
        admin_detector = detector(admin, region)
        b_detector = detector(b, region)
        c_detector = detector(c, region)
        gd = admin.client(region)

        # Administrator creates members: status Created, nothing to accept yet.
        created = gd.create_members(DetectorId=admin_detector, AccountDetails=[
            {"AccountId": b.account_id, "Email": "b@example.com"},
            {"AccountId": c.account_id, "Email": "c@example.com"},
        ])
        assert created["UnprocessedAccounts"] == []
        members = gd.get_members(DetectorId=admin_detector, AccountIds=[b.account_id, c.account_id])["Members"]
        assert {m["RelationshipStatus"] for m in members} == {"Created"}
        assert b.client(region).get_invitations_count()["InvitationsCount"] == 0
        # ListMembers shows only associated members by default.
        assert gd.list_members(DetectorId=admin_detector)["Members"] == []
        assert len(gd.list_members(DetectorId=admin_detector, OnlyAssociated="false")["Members"]) == 2

        # Invite with the aws CLI.
        invited = admin.aws("invite-members", "--detector-id", admin_detector, "--account-ids", b.account_id, c.account_id,
                            "--message", "join us", region=region)
        assert invited["UnprocessedAccounts"] == []

        # Member B sees the invitation (only in this region) and accepts with the CLI.
        invitations = b.aws("list-invitations", region=region)["Invitations"]
        assert [i["AccountId"] for i in invitations] == [admin.account_id]
        assert invitations[0]["RelationshipStatus"] == "Invited"
        assert b.aws("get-invitations-count", region=region)["InvitationsCount"] == 1
        b.aws("accept-administrator-invitation", "--detector-id", b_detector, "--administrator-id", admin.account_id,
              "--invitation-id", invitations[0]["InvitationId"], region=region)
        assert b.client(region).get_invitations_count()["InvitationsCount"] == 0
        admin_info = b.client(region).get_administrator_account(DetectorId=b_detector)["Administrator"]
        assert admin_info["AccountId"] == admin.account_id and admin_info["RelationshipStatus"] == "Enabled"
        assert b.client(region).get_master_account(DetectorId=b_detector)["Master"]["AccountId"] == admin.account_id

        # Member C declines, then deletes the invitation.
        c_invitations = c.client(region).list_invitations()["Invitations"]
        assert len(c_invitations) == 1
        assert c.client(region).decline_invitations(AccountIds=[admin.account_id])["UnprocessedAccounts"] == []
        assert c.client(region).list_invitations()["Invitations"] == []
        assert c.client(region).delete_invitations(AccountIds=[admin.account_id])["UnprocessedAccounts"] == []
        # The declined invitation can no longer be accepted.
        with pytest.raises(c.client(region).exceptions.BadRequestException):
            c.client(region).accept_administrator_invitation(
                DetectorId=c_detector, AdministratorId=admin.account_id, InvitationId=c_invitations[0]["InvitationId"])

        # The administrator sees B Enabled with its detector id; C still Invited.
        by_id = {m["AccountId"]: m for m in gd.get_members(DetectorId=admin_detector, AccountIds=[b.account_id, c.account_id])["Members"]}
        assert by_id[b.account_id]["RelationshipStatus"] == "Enabled"
        assert by_id[b.account_id]["DetectorId"] == b_detector
        assert by_id[b.account_id]["AdministratorId"] == admin.account_id
        assert by_id[c.account_id]["RelationshipStatus"] == "Invited"
        listed = admin.aws("list-members", "--detector-id", admin_detector, region=region)["Members"]
        assert [m["AccountId"] for m in listed] == [b.account_id]

        # Stop and start monitoring: Enabled -> Disabled -> Enabled.
        assert gd.stop_monitoring_members(DetectorId=admin_detector, AccountIds=[b.account_id])["UnprocessedAccounts"] == []
        assert gd.get_members(DetectorId=admin_detector, AccountIds=[b.account_id])["Members"][0]["RelationshipStatus"] == "Disabled"
        assert gd.start_monitoring_members(DetectorId=admin_detector, AccountIds=[b.account_id])["UnprocessedAccounts"] == []
        assert gd.get_members(DetectorId=admin_detector, AccountIds=[b.account_id])["Members"][0]["RelationshipStatus"] == "Enabled"
        # Monitoring a member that never accepted is a per-account failure, not an HTTP error.
        stopped = gd.stop_monitoring_members(DetectorId=admin_detector, AccountIds=[c.account_id])
        assert [u["AccountId"] for u in stopped["UnprocessedAccounts"]] == [c.account_id]

        # B resigns, then accepts the same invitation again.
        # The deprecated master alias in the second region, the current operation in the first.
        if region == "us-east-1":
            b.client(region).disassociate_from_administrator_account(DetectorId=b_detector)
        else:
            b.client(region).disassociate_from_master_account(DetectorId=b_detector)
        assert gd.get_members(DetectorId=admin_detector, AccountIds=[b.account_id])["Members"][0]["RelationshipStatus"] == "Resigned"
        assert "Administrator" not in b.client(region).get_administrator_account(DetectorId=b_detector)
        again = b.client(region).list_invitations()["Invitations"]
        assert len(again) == 1
        b.client(region).accept_invitation(DetectorId=b_detector, MasterId=admin.account_id, InvitationId=again[0]["InvitationId"])
        assert gd.get_members(DetectorId=admin_detector, AccountIds=[b.account_id])["Members"][0]["RelationshipStatus"] == "Enabled"

        # A member cannot be deleted while associated; disassociate (Removed) first, then delete.
        deleted = gd.delete_members(DetectorId=admin_detector, AccountIds=[b.account_id])
        assert [u["AccountId"] for u in deleted["UnprocessedAccounts"]] == [b.account_id]
        assert gd.disassociate_members(DetectorId=admin_detector, AccountIds=[b.account_id, c.account_id])["UnprocessedAccounts"] == []
        statuses = {m["AccountId"]: m["RelationshipStatus"]
                    for m in gd.get_members(DetectorId=admin_detector, AccountIds=[b.account_id, c.account_id])["Members"]}
        assert statuses == {b.account_id: "Removed", c.account_id: "Removed"}
        assert "Administrator" not in b.client(region).get_administrator_account(DetectorId=b_detector)
        # A disassociated member keeps its record and can be invited again without CreateMembers.
        assert gd.invite_members(DetectorId=admin_detector, AccountIds=[b.account_id])["UnprocessedAccounts"] == []
        assert gd.disassociate_members(DetectorId=admin_detector, AccountIds=[b.account_id])["UnprocessedAccounts"] == []
        assert gd.delete_members(DetectorId=admin_detector, AccountIds=[b.account_id, c.account_id])["UnprocessedAccounts"] == []
        missing = gd.get_members(DetectorId=admin_detector, AccountIds=[b.account_id])
        assert missing["Members"] == [] and missing["UnprocessedAccounts"][0]["AccountId"] == b.account_id


def test_relationships_are_per_region(server):
    admin, member = server.create_account(), server.create_account()
    admin_east = detector(admin, "us-east-1")
    detector(member, "us-east-1")
    detector(member, "eu-west-1")
    admin.client("us-east-1").create_members(DetectorId=admin_east, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    admin.client("us-east-1").invite_members(DetectorId=admin_east, AccountIds=[member.account_id])
    assert len(member.client("us-east-1").list_invitations()["Invitations"]) == 1
    assert member.client("eu-west-1").list_invitations()["Invitations"] == []
    # The us-east-1 detector id is not usable in eu-west-1.
    with pytest.raises(admin.client("eu-west-1").exceptions.BadRequestException):
        admin.client("eu-west-1").get_detector(DetectorId=admin_east)


def test_member_runs_with_administrator_settings(server):
    admin, member = server.create_account(), server.create_account()
    admin_detector = detector(admin, "us-east-1")
    member_detector = detector(member, "us-east-1")
    gd = admin.client()
    gd.update_detector(DetectorId=admin_detector, FindingPublishingFrequency="FIFTEEN_MINUTES",
                       Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])
    gd.create_members(DetectorId=admin_detector, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    gd.invite_members(DetectorId=admin_detector, AccountIds=[member.account_id])
    invitation = member.client().list_invitations()["Invitations"][0]
    member.client().accept_administrator_invitation(DetectorId=member_detector, AdministratorId=admin.account_id,
                                                    InvitationId=invitation["InvitationId"])
    seen = member.client().get_detector(DetectorId=member_detector)
    # The frequency follows the administrator; the features are the member's own detector's (as in GuardDuty).
    assert seen["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    assert seen["DataSources"]["S3Logs"]["Status"] == "DISABLED"
    # The member cannot change what its administrator manages.
    with pytest.raises(member.client().exceptions.BadRequestException) as raised:
        member.client().update_detector(DetectorId=member_detector, FindingPublishingFrequency="SIX_HOURS")
    assert "administrator" in raised.value.response["Error"]["Message"]
    # The administrator switches a feature on, then off, for this member only.
    assert gd.update_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id],
                                      Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])["UnprocessedAccounts"] == []
    assert member.client().get_detector(DetectorId=member_detector)["DataSources"]["S3Logs"]["Status"] == "ENABLED"
    assert gd.update_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id],
                                      Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])["UnprocessedAccounts"] == []
    member_view = gd.get_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id])["MemberDataSourceConfigurations"][0]
    assert {f["Name"]: f["Status"] for f in member_view["Features"]}["S3_DATA_EVENTS"] == "DISABLED"
    assert member.client().get_detector(DetectorId=member_detector)["DataSources"]["S3Logs"]["Status"] == "DISABLED"
    # An administrator with members cannot accept an invitation, and cannot delete its detector.
    other = server.create_account()
    other_detector = detector(other, "us-east-1")
    other.client().create_members(DetectorId=other_detector, AccountDetails=[{"AccountId": admin.account_id, "Email": "a@example.com"}])
    other.client().invite_members(DetectorId=other_detector, AccountIds=[admin.account_id])
    invite = gd.list_invitations()["Invitations"][0]
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.accept_administrator_invitation(DetectorId=admin_detector, AdministratorId=other.account_id, InvitationId=invite["InvitationId"])
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.delete_detector(DetectorId=admin_detector)


def test_one_administrator_per_member(server):
    first, second, member = server.create_account(), server.create_account(), server.create_account()
    member_detector = detector(member, "us-east-1")
    for admin in (first, second):
        d = detector(admin, "us-east-1")
        admin.client().create_members(DetectorId=d, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
        admin.client().invite_members(DetectorId=d, AccountIds=[member.account_id])
    invitations = {i["AccountId"]: i["InvitationId"] for i in member.client().list_invitations()["Invitations"]}
    assert set(invitations) == {first.account_id, second.account_id}
    member.client().accept_administrator_invitation(DetectorId=member_detector, AdministratorId=first.account_id,
                                                    InvitationId=invitations[first.account_id])
    with pytest.raises(member.client().exceptions.BadRequestException) as raised:
        member.client().accept_administrator_invitation(DetectorId=member_detector, AdministratorId=second.account_id,
                                                        InvitationId=invitations[second.account_id])
    assert first.account_id in raised.value.response["Error"]["Message"]
    # The accepted invitation no longer counts; the other one is still pending.
    assert member.client().get_invitations_count()["InvitationsCount"] == 1


def test_create_members_reports_unprocessed_accounts(server):
    admin, member = server.create_account(), server.create_account()
    d = detector(admin, "us-east-1")
    gd = admin.client()
    result = gd.create_members(DetectorId=d, AccountDetails=[
        {"AccountId": admin.account_id, "Email": "self@example.com"},
        {"AccountId": member.account_id, "Email": "m@example.com"},
        {"AccountId": "000000000001", "Email": "ghost@example.com"},
    ])
    reasons = {u["AccountId"]: u["Result"] for u in result["UnprocessedAccounts"]}
    assert set(reasons) == {admin.account_id, "000000000001"}
    assert "itself" in reasons[admin.account_id]
    again = gd.create_members(DetectorId=d, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    assert "already a member" in again["UnprocessedAccounts"][0]["Result"]
    # Inviting an account that is not a member is a per-account failure too.
    stranger = server.create_account()
    invited = gd.invite_members(DetectorId=d, AccountIds=[stranger.account_id])
    assert invited["UnprocessedAccounts"][0]["AccountId"] == stranger.account_id
