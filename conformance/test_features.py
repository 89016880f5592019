"""Settings that tell the truth (issue 15): GuardDuty features Guardpost does not analyse are DISABLED everywhere and
cannot be switched on (S3_DATA_EVENTS and, since issue 17, EKS_AUDIT_LOGS are analysed); a member's features are its own detector's, set by its administrator; the publishing frequency
follows the administrator; GetOrganizationStatistics counts the organisation; Prowler's GuardDuty checks come out
honest."""
import json

import pytest

from conftest import Server, enrolled_pair

FOUNDATIONAL = {"CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS"}
PROVIDED = {"S3_DATA_EVENTS", "EKS_AUDIT_LOGS"}
UNPROVIDED = ["EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EKS_RUNTIME_MONITORING",
              "RUNTIME_MONITORING"]
ADDITIONAL = ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"]


def statuses(features):
    return {f["Name"]: f["Status"] for f in features}


def refused_naming(call, name):
    """The call is a 400 BadRequestException whose message names `name` as not provided by this server."""
    with pytest.raises(Exception) as raised:
        call()
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400, error
    assert error["Error"]["Code"] == "BadRequestException", error
    assert f"{name} is not provided by this server" in error["Error"]["Message"], error


def test_get_detector_reports_only_what_is_analysed_as_enabled(server):
    account = server.create_account()
    gd = account.client()
    # (EKS_RUNTIME_MONITORING and RUNTIME_MONITORING may not be configured in one request.)
    detector = gd.create_detector(Enable=True, Features=[{"Name": name, "Status": "ENABLED"} for name in sorted(PROVIDED)] +
                                  [{"Name": name, "Status": "DISABLED"} for name in UNPROVIDED if name != "EKS_RUNTIME_MONITORING"])["DetectorId"]
    got = gd.get_detector(DetectorId=detector)
    reported = statuses(got["Features"])
    assert {name for name, status in reported.items() if status == "ENABLED"} == FOUNDATIONAL | PROVIDED
    assert all(reported[name] == "DISABLED" for name in UNPROVIDED)
    additional = {(f["Name"], a["Name"]): a["Status"] for f in got["Features"] for a in f.get("AdditionalConfiguration", [])}
    assert {a for _, a in additional} == set(ADDITIONAL) and set(additional.values()) == {"DISABLED"}
    sources = got["DataSources"]
    assert sources["S3Logs"]["Status"] == "ENABLED"
    assert sources["Kubernetes"]["AuditLogs"]["Status"] == "ENABLED"
    assert sources["MalwareProtection"]["ScanEc2InstanceWithFindings"]["EbsVolumes"]["Status"] == "DISABLED"


@pytest.mark.parametrize("name", UNPROVIDED)
def test_enabling_an_unprovided_feature_is_refused_by_create_and_update_detector(server, name):
    account = server.create_account()
    gd = account.client()
    refused_naming(lambda: gd.create_detector(Enable=True, Features=[{"Name": name, "Status": "ENABLED"}]), name)
    assert gd.list_detectors()["DetectorIds"] == []
    detector = gd.create_detector(Enable=True)["DetectorId"]
    # Nothing is half-written: S3 asked for in the same request stays as it was.
    refused_naming(lambda: gd.update_detector(DetectorId=detector, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
                                                                             {"Name": name, "Status": "ENABLED"}]), name)
    assert statuses(gd.get_detector(DetectorId=detector)["Features"])["S3_DATA_EVENTS"] == "DISABLED"
    gd.update_detector(DetectorId=detector, Features=[{"Name": name, "Status": "DISABLED"}])
    assert statuses(gd.get_detector(DetectorId=detector)["Features"])[name] == "DISABLED"


def test_the_legacy_data_sources_and_additional_configurations_are_refused_too(server):
    account = server.create_account()
    gd = account.client()
    refused_naming(lambda: gd.create_detector(
        Enable=True, DataSources={"MalwareProtection": {"ScanEc2InstanceWithFindings": {"EbsVolumes": True}}}), "EBS_MALWARE_PROTECTION")
    # Kubernetes audit logs are analysed: the legacy switch is accepted and reported in both shapes.
    detector = gd.create_detector(Enable=True, DataSources={"S3Logs": {"Enable": True}, "Kubernetes": {"AuditLogs": {"Enable": True}}})["DetectorId"]
    got = gd.get_detector(DetectorId=detector)
    assert got["DataSources"]["Kubernetes"]["AuditLogs"]["Status"] == "ENABLED"
    assert statuses(got["Features"])["EKS_AUDIT_LOGS"] == "ENABLED"
    refused_naming(lambda: gd.update_detector(
        DetectorId=detector, DataSources={"MalwareProtection": {"ScanEc2InstanceWithFindings": {"EbsVolumes": True}}}), "EBS_MALWARE_PROTECTION")
    refused_naming(lambda: gd.update_detector(DetectorId=detector, Features=[
        {"Name": "RUNTIME_MONITORING", "Status": "DISABLED", "AdditionalConfiguration": [{"Name": "EC2_AGENT_MANAGEMENT", "Status": "ENABLED"}]}]),
        "EC2_AGENT_MANAGEMENT")
    assert gd.get_detector(DetectorId=detector)["DataSources"]["S3Logs"]["Status"] == "ENABLED"


def test_update_member_detectors_refuses_unprovided_features_and_sets_the_members_own(server):
    admin, admin_detector, member, member_detector = enrolled_pair(server)
    gd = admin.client()
    for name in UNPROVIDED:
        features = [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}, {"Name": name, "Status": "ENABLED"}]
        refused_naming(lambda: gd.update_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id], Features=features), name)
    refused_naming(lambda: gd.update_member_detectors(
        DetectorId=admin_detector, AccountIds=[member.account_id],
        DataSources={"MalwareProtection": {"ScanEc2InstanceWithFindings": {"EbsVolumes": True}}}), "EBS_MALWARE_PROTECTION")
    assert statuses(member.client().get_detector(DetectorId=member_detector)["Features"])["S3_DATA_EVENTS"] == "DISABLED"

    # The administrator's own S3 Protection and frequency: the frequency follows, the feature does not.
    gd.update_detector(DetectorId=admin_detector, FindingPublishingFrequency="FIFTEEN_MINUTES",
                       Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])
    seen = member.client().get_detector(DetectorId=member_detector)
    assert seen["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    assert statuses(seen["Features"])["S3_DATA_EVENTS"] == "DISABLED"
    # UpdateMemberDetectors sets the member's own detector; GetMemberDetectors and the member agree.
    assert gd.update_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id],
                                      Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])["UnprocessedAccounts"] == []
    member_view = gd.get_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id])["MemberDataSourceConfigurations"][0]
    assert statuses(member_view["Features"])["S3_DATA_EVENTS"] == "ENABLED"
    assert all(statuses(member_view["Features"])[name] == "DISABLED" for name in UNPROVIDED)
    assert member_view["DataSources"]["Kubernetes"]["AuditLogs"]["Status"] == "DISABLED"
    assert statuses(member.client().get_detector(DetectorId=member_detector)["Features"])["S3_DATA_EVENTS"] == "ENABLED"
    # EKS Audit Log Monitoring for the member, in the legacy shape: both views and the member agree.
    gd.update_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id], DataSources={"Kubernetes": {"AuditLogs": {"Enable": True}}})
    member_view = gd.get_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id])["MemberDataSourceConfigurations"][0]
    assert member_view["DataSources"]["Kubernetes"]["AuditLogs"]["Status"] == "ENABLED"
    assert statuses(member_view["Features"])["EKS_AUDIT_LOGS"] == "ENABLED"
    assert statuses(member.client().get_detector(DetectorId=member_detector)["Features"])["EKS_AUDIT_LOGS"] == "ENABLED"
    # The administrator switching its own off leaves the member's alone.
    gd.update_detector(DetectorId=admin_detector, Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])
    assert statuses(member.client().get_detector(DetectorId=member_detector)["Features"])["S3_DATA_EVENTS"] == "ENABLED"


# --- the organisation (a server of its own: auto-enable ALL touches every account) --------------------------------

@pytest.fixture(scope="module")
def organisation():
    server = Server("features_org").start()
    management = server.create_account(management=True)
    admin = server.create_account()
    management.client().enable_organization_admin_account(AdminAccountId=admin.account_id)
    detector = admin.client().list_detectors()["DetectorIds"][0]
    yield server, management, admin, detector
    server.stop()


@pytest.mark.parametrize("name", UNPROVIDED)
def test_organisation_auto_enable_of_an_unprovided_feature_is_refused(organisation, name):
    server, _, admin, detector = organisation
    gd = admin.client()
    for value in ("NEW", "ALL"):
        refused_naming(lambda: gd.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="NONE",
                                                                    Features=[{"Name": name, "AutoEnable": value}]), name)
    gd.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="NONE", Features=[{"Name": name, "AutoEnable": "NONE"}])
    described = gd.describe_organization_configuration(DetectorId=detector)
    assert {f["Name"]: f["AutoEnable"] for f in described["Features"]}[name] == "NONE"


def test_organisation_legacy_data_sources_are_refused_but_kubernetes_audit_logs_are_accepted(organisation):
    _, _, admin, detector = organisation
    gd = admin.client()
    gd.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="NONE",
                                         DataSources={"Kubernetes": {"AuditLogs": {"AutoEnable": True}}})
    described = gd.describe_organization_configuration(DetectorId=detector)
    assert described["DataSources"]["Kubernetes"]["AuditLogs"]["AutoEnable"] is True
    assert {f["Name"]: f["AutoEnable"] for f in described["Features"]}["EKS_AUDIT_LOGS"] == "NEW"
    gd.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="NONE",
                                         Features=[{"Name": "EKS_AUDIT_LOGS", "AutoEnable": "NONE"}])
    malware = {"MalwareProtection": {"ScanEc2InstanceWithFindings": {"EbsVolumes": {"AutoEnable": True}}}}
    refused_naming(lambda: gd.update_organization_configuration(DetectorId=detector, AutoEnable=True, DataSources=malware), "EBS_MALWARE_PROTECTION")


def test_auto_enable_sets_the_new_members_own_features_and_statistics_count_them(organisation):
    server, management, admin, detector = organisation
    gd = admin.client()
    outsider = server.create_account()
    outsider_detector = outsider.client().create_detector(Enable=True)["DetectorId"]
    # Only the delegated administrator asks for the statistics.
    for caller in (management, outsider):
        with pytest.raises(caller.client().exceptions.BadRequestException):
            caller.client().get_organization_statistics()

    gd.update_detector(DetectorId=detector, FindingPublishingFrequency="ONE_HOUR")
    gd.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="NEW",
                                         Features=[{"Name": "S3_DATA_EVENTS", "AutoEnable": "NEW"}])
    first, second = server.create_account(), server.create_account()
    for newcomer in (first, second):
        newcomer_detector = newcomer.client().list_detectors()["DetectorIds"][0]
        seen = newcomer.client().get_detector(DetectorId=newcomer_detector)
        assert statuses(seen["Features"])["S3_DATA_EVENTS"] == "ENABLED"
        assert seen["FindingPublishingFrequency"] == "ONE_HOUR"
    # NEW leaves the account that was there before alone.
    assert statuses(outsider.client().get_detector(DetectorId=outsider_detector)["Features"])["S3_DATA_EVENTS"] == "DISABLED"
    # The administrator turns S3 off for one member only.
    gd.update_member_detectors(DetectorId=detector, AccountIds=[second.account_id], Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])

    details = gd.get_organization_statistics()["OrganizationDetails"]
    assert details["UpdatedAt"].year >= 2024
    statistics = details["OrganizationStatistics"]
    accounts = len(json.loads(server.cli("accounts", "list").stdout))
    assert statistics["TotalAccountsCount"] == accounts
    members = gd.list_members(DetectorId=detector)["Members"]
    assert statistics["MemberAccountsCount"] == len([m for m in members if m["RelationshipStatus"] in ("Enabled", "Disabled")])
    assert statistics["ActiveAccountsCount"] == len([m for m in members if m["RelationshipStatus"] == "Enabled"])
    # Every account with a detector ENABLED: the administrator, the outsider and the two members (the management account has none).
    assert statistics["EnabledAccountsCount"] >= 4
    by_feature = {f["Name"]: f["EnabledAccountsCount"] for f in statistics["CountByFeature"]}
    enabled_s3 = sum(1 for m in members if m["RelationshipStatus"] == "Enabled" and statuses(
        gd.get_member_detectors(DetectorId=detector, AccountIds=[m["AccountId"]])["MemberDataSourceConfigurations"][0]["Features"])["S3_DATA_EVENTS"]
        == "ENABLED")
    assert by_feature["S3_DATA_EVENTS"] == enabled_s3 >= 1
    assert all(by_feature[name] == 0 for name in UNPROVIDED)

    # ALL: every organisation member gets S3 in its own detector; stopping one makes it a member but not active.
    gd.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="ALL",
                                         Features=[{"Name": "S3_DATA_EVENTS", "AutoEnable": "ALL"}])
    assert statuses(outsider.client().get_detector(DetectorId=outsider_detector)["Features"])["S3_DATA_EVENTS"] == "ENABLED"
    after = gd.get_organization_statistics()["OrganizationDetails"]["OrganizationStatistics"]
    assert after["MemberAccountsCount"] == after["ActiveAccountsCount"] == accounts - 2  # all but the management account and the administrator
    assert {f["Name"]: f["EnabledAccountsCount"] for f in after["CountByFeature"]}["S3_DATA_EVENTS"] == accounts - 2


# --- Prowler's GuardDuty checks, as prowler/providers/aws/services/guardduty implements them ----------------------

def prowler_detectors(client):
    """The detectors as Prowler's GuardDuty service reads them (ListDetectors, GetDetector, ListMembers, GetAdministratorAccount)."""
    detectors = []
    for page in client.get_paginator("list_detectors").paginate():
        for detector_id in page["DetectorIds"]:
            info = client.get_detector(DetectorId=detector_id)
            sources = info.get("DataSources", {})
            detector = {
                "id": detector_id, "enabled_in_account": True,
                "status": True if info.get("Status", "DISABLED") == "ENABLED" else None,
                "s3_protection": sources.get("S3Logs", {}).get("Status", "DISABLED") == "ENABLED",
                "eks_audit_log_protection": sources.get("Kubernetes", {}).get("AuditLogs", {}).get("Status", "DISABLED") == "ENABLED",
                "ec2_malware_protection": sources.get("MalwareProtection", {}).get("ScanEc2InstanceWithFindings", {})
                .get("EbsVolumes", {}).get("Status", "DISABLED") == "ENABLED",
                "rds_protection": False, "lambda_protection": False, "eks_runtime_monitoring": False,
            }
            for feature in info.get("Features", []):
                enabled = feature.get("Status", "DISABLED") == "ENABLED"
                if feature.get("Name") == "RDS_LOGIN_EVENTS" and enabled:
                    detector["rds_protection"] = True
                elif feature.get("Name") == "LAMBDA_NETWORK_LOGS" and enabled:
                    detector["lambda_protection"] = True
                elif feature.get("Name") == "EKS_RUNTIME_MONITORING" and enabled:
                    detector["eks_runtime_monitoring"] = True
            detector["member_accounts"] = [m["AccountId"] for page in client.get_paginator("list_members").paginate(DetectorId=detector_id)
                                           for m in page["Members"]]
            detector["administrator_account"] = client.get_administrator_account(DetectorId=detector_id).get("Administrator", {}).get("AccountId")
            detectors.append(detector)
    if not detectors:
        detectors.append({"id": "detector/unknown", "enabled_in_account": False, "status": None})
    return detectors


PROTECTION_CHECKS = {
    "guardduty_s3_protection_enabled": "s3_protection",
    "guardduty_eks_audit_log_enabled": "eks_audit_log_protection",
    "guardduty_ec2_malware_protection_enabled": "ec2_malware_protection",
    "guardduty_rds_protection_enabled": "rds_protection",
    "guardduty_lambda_protection_enabled": "lambda_protection",
    "guardduty_eks_runtime_monitoring_enabled": "eks_runtime_monitoring",
}


def prowler_checks(client):
    """check name → PASS/FAIL per detector, as Prowler's checks decide them."""
    detectors = prowler_detectors(client)
    results = {"guardduty_is_enabled": ["PASS" if d["status"] else "FAIL" for d in detectors]}
    results["guardduty_centrally_managed"] = [
        "PASS" if d.get("administrator_account") or d.get("member_accounts") else "FAIL" for d in detectors if d["enabled_in_account"]]
    for check, flag in PROTECTION_CHECKS.items():
        results[check] = ["PASS" if d[flag] else "FAIL" for d in detectors if d["status"]]
    return results


def test_prowlers_guardduty_checks_report_honestly(server):
    # No detector: GuardDuty is not enabled; the protection checks have nothing to judge.
    nothing = prowler_checks(server.create_account().client())
    assert nothing["guardduty_is_enabled"] == ["FAIL"]
    assert all(nothing[check] == [] for check in PROTECTION_CHECKS)

    # An administrator that asked for every protection: only what Guardpost analyses was accepted.
    admin, admin_detector, member, member_detector = enrolled_pair(server)
    gd = admin.client()
    gd.update_detector(DetectorId=admin_detector, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
                                                            {"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"}])
    for name in UNPROVIDED:
        with pytest.raises(gd.exceptions.BadRequestException):
            gd.update_detector(DetectorId=admin_detector, Features=[{"Name": name, "Status": "ENABLED"}])
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.update_detector(DetectorId=admin_detector, DataSources={"Kubernetes": {"AuditLogs": {"Enable": True}},
                                                                  "MalwareProtection": {"ScanEc2InstanceWithFindings": {"EbsVolumes": True}}})
    results = prowler_checks(gd)
    assert results["guardduty_is_enabled"] == ["PASS"]
    assert results["guardduty_centrally_managed"] == ["PASS"]  # an administrator with a member
    assert results["guardduty_s3_protection_enabled"] == ["PASS"]
    assert results["guardduty_eks_audit_log_enabled"] == ["PASS"]
    for check in PROTECTION_CHECKS:
        if check not in ("guardduty_s3_protection_enabled", "guardduty_eks_audit_log_enabled"):
            assert results[check] == ["FAIL"], check

    # The member: centrally managed; its S3 Protection is its own (off until its administrator turns it on).
    member_results = prowler_checks(member.client())
    assert member_results["guardduty_centrally_managed"] == ["PASS"]
    assert member_results["guardduty_s3_protection_enabled"] == ["FAIL"]
    gd.update_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id], Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])
    assert prowler_checks(member.client())["guardduty_s3_protection_enabled"] == ["PASS"]

    # A standalone, suspended detector: configured but not enabled.
    alone = server.create_account()
    alone_detector = alone.client().create_detector(Enable=False)["DetectorId"]
    suspended = prowler_checks(alone.client())
    assert suspended["guardduty_is_enabled"] == ["FAIL"] and suspended["guardduty_centrally_managed"] == ["FAIL"]
    assert all(suspended[check] == [] for check in PROTECTION_CHECKS)
    alone.client().update_detector(DetectorId=alone_detector, Enable=True)
    assert prowler_checks(alone.client())["guardduty_is_enabled"] == ["PASS"]
