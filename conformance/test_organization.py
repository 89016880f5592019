"""The organisation path: delegated administrator and auto-enable NEW/ALL/NONE (own server, since ALL touches every account)."""
import pytest


def test_organization_auto_enable(server):
    management = server.create_account(management=True)
    admin = server.create_account()
    existing = server.create_account()
    mgmt = management.client()

    # Only the management account designates the delegated administrator.
    with pytest.raises(admin.client().exceptions.BadRequestException):
        admin.client().enable_organization_admin_account(AdminAccountId=admin.account_id)
    management.aws("enable-organization-admin-account", "--admin-account-id", admin.account_id)
    assert mgmt.list_organization_admin_accounts()["AdminAccounts"] == [{"AdminAccountId": admin.account_id, "AdminStatus": "ENABLED"}]
    with pytest.raises(mgmt.exceptions.BadRequestException):
        mgmt.enable_organization_admin_account(AdminAccountId=existing.account_id)
    with pytest.raises(admin.client().exceptions.BadRequestException):
        admin.client().list_organization_admin_accounts()

    # The delegated administrator has GuardDuty enabled in the region.
    gd = admin.client()
    detector_id = gd.list_detectors()["DetectorIds"][0]
    # Only the delegated administrator changes organisation settings.
    existing_detector = existing.client().create_detector(Enable=True)["DetectorId"]
    with pytest.raises(existing.client().exceptions.BadRequestException):
        existing.client().update_organization_configuration(DetectorId=existing_detector, AutoEnableOrganizationMembers="ALL")

    # NEW: accounts created from now on become Enabled members without an invitation, with the auto-enabled features.
    gd.update_organization_configuration(DetectorId=detector_id, AutoEnableOrganizationMembers="NEW",
                                         Features=[{"Name": "S3_DATA_EVENTS", "AutoEnable": "NEW"}])
    config = gd.describe_organization_configuration(DetectorId=detector_id)
    assert config["AutoEnableOrganizationMembers"] == "NEW" and config["AutoEnable"] is True
    assert config["MemberAccountLimitReached"] is False
    assert {f["Name"]: f["AutoEnable"] for f in config["Features"]}["S3_DATA_EVENTS"] == "NEW"
    newcomer = server.create_account()
    members = {m["AccountId"]: m for m in gd.list_members(DetectorId=detector_id)["Members"]}
    assert set(members) == {newcomer.account_id}
    assert members[newcomer.account_id]["RelationshipStatus"] == "Enabled"
    newcomer_detector = newcomer.client().list_detectors()["DetectorIds"][0]
    assert newcomer.client().get_detector(DetectorId=newcomer_detector)["DataSources"]["S3Logs"]["Status"] == "ENABLED"
    assert newcomer.client().get_administrator_account(DetectorId=newcomer_detector)["Administrator"]["AccountId"] == admin.account_id

    # ALL: every account of the organisation (but the management account) becomes a member now.
    admin.aws("update-organization-configuration", "--detector-id", detector_id, "--auto-enable-organization-members", "ALL")
    enrolled = {m["AccountId"] for m in gd.list_members(DetectorId=detector_id)["Members"]}
    assert {existing.account_id, newcomer.account_id} <= enrolled
    assert management.account_id not in enrolled and admin.account_id not in enrolled
    # With ALL, organisation members cannot leave, be stopped or be disassociated.
    with pytest.raises(newcomer.client().exceptions.BadRequestException):
        newcomer.client().disassociate_from_administrator_account(DetectorId=newcomer_detector)
    stopped = gd.stop_monitoring_members(DetectorId=detector_id, AccountIds=[newcomer.account_id])
    assert stopped["UnprocessedAccounts"][0]["AccountId"] == newcomer.account_id
    disassociated = gd.disassociate_members(DetectorId=detector_id, AccountIds=[newcomer.account_id])
    assert disassociated["UnprocessedAccounts"][0]["AccountId"] == newcomer.account_id

    # NONE: nothing automatic any more; existing members stay.
    gd.update_organization_configuration(DetectorId=detector_id, AutoEnableOrganizationMembers="NONE")
    later = server.create_account()
    assert later.account_id not in {m["AccountId"] for m in gd.list_members(DetectorId=detector_id)["Members"]}
    assert newcomer.account_id in {m["AccountId"] for m in gd.list_members(DetectorId=detector_id)["Members"]}
    # A delegated administrator's CreateMembers enables the member at once.
    assert gd.create_members(DetectorId=detector_id, AccountDetails=[{"AccountId": later.account_id, "Email": "l@example.com"}])["UnprocessedAccounts"] == []
    assert gd.get_members(DetectorId=detector_id, AccountIds=[later.account_id])["Members"][0]["RelationshipStatus"] == "Enabled"

    # Neither or contradicting auto-enable settings are refused.
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.update_organization_configuration(DetectorId=detector_id, Features=[{"Name": "S3_DATA_EVENTS", "AutoEnable": "ALL"}])
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.update_organization_configuration(DetectorId=detector_id, AutoEnable=True, AutoEnableOrganizationMembers="NONE")

    # Removing the delegated administrator removes its organisation members; their detectors stay.
    mgmt.disable_organization_admin_account(AdminAccountId=admin.account_id)
    assert mgmt.list_organization_admin_accounts()["AdminAccounts"] == []
    assert gd.list_members(DetectorId=detector_id)["Members"] == []
    assert "Administrator" not in newcomer.client().get_administrator_account(DetectorId=newcomer_detector)
    assert newcomer.client().list_detectors()["DetectorIds"] == [newcomer_detector]
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.describe_organization_configuration(DetectorId=detector_id)
