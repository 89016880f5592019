"""The findings operations as a security team drives them with the aws CLI and boto3: sample findings, list with
criteria and sort, get, statistics, archive/unarchive, feedback, filters and suppression, coverage; and members'
findings stored through the agent channel."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import enrolled_pair, send


def finding(account_id, detector_id, finding_id, region="us-east-1", remote="203.0.113.9", count=1, updated="2026-11-20T10:00:00.000Z"):
    return {
        "accountId": account_id, "arn": f"arn:aws:guardduty:{region}:{account_id}:detector/{detector_id}/finding/{finding_id}",
        "createdAt": "2026-11-20T09:00:00.000Z", "description": "SSH brute force", "id": finding_id, "partition": "aws", "region": region,
        "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-0abc"}}, "schemaVersion": "2.0",
        "service": {
            "action": {"actionType": "NETWORK_CONNECTION", "networkConnectionAction": {
                "blocked": False, "connectionDirection": "INBOUND", "protocol": "TCP",
                "localPortDetails": {"port": 22, "portName": "SSH"}, "remoteIpDetails": {"ipAddressV4": remote}}},
            "archived": False, "count": count, "detectorId": detector_id, "eventFirstSeen": "2026-11-20T09:00:00.000Z",
            "eventLastSeen": updated, "resourceRole": "TARGET", "serviceName": "guardduty"},
        "severity": 2, "title": "SSH brute force", "type": "UnauthorizedAccess:EC2/SSHBruteForce", "updatedAt": updated,
    }


@pytest.fixture(scope="module")
def org(server):
    return enrolled_pair(server)


def ingest(account, detector_id, findings):
    body = json.dumps({"detectorId": detector_id, "findings": findings}).encode()
    return send(account.signed("POST", "/agent/v1/findings", body=body, headers={"content-type": "application/json"}))


def test_sample_findings_with_the_aws_cli(org):
    admin, admin_detector, _, _ = org
    admin.aws("create-sample-findings", "--detector-id", admin_detector, "--finding-types", "Recon:EC2/Portscan", "Policy:IAMUser/RootCredentialUsage")
    listed = admin.aws("list-findings", "--detector-id", admin_detector, "--finding-criteria",
                       json.dumps({"Criterion": {"service.additionalInfo.sample": {"Eq": ["true"]}}}))
    assert len(listed["FindingIds"]) == 2
    got = admin.aws("get-findings", "--detector-id", admin_detector, "--finding-ids", *listed["FindingIds"])
    assert {f["Type"] for f in got["Findings"]} == {"Recon:EC2/Portscan", "Policy:IAMUser/RootCredentialUsage"}
    for f in got["Findings"]:
        assert f["AccountId"] == admin.account_id and f["SchemaVersion"] == "2.0" and f["Service"]["Archived"] is False
    failed = admin.aws("create-sample-findings", "--detector-id", admin_detector, "--finding-types", "Nope:EC2/None", check=False)
    assert failed.returncode != 0 and "BadRequestException" in failed.stderr


def test_members_findings_reach_the_administrator_and_only_move_forward(org):
    admin, admin_detector, member, member_detector = org
    batch = [finding(member.account_id, member_detector, f"m{i}", remote=f"198.51.100.{i}") for i in range(5)]
    response = ingest(member, member_detector, batch)
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 5
    assert ingest(member, member_detector, batch).json()["unchanged"] == 5
    # Reordered: an older version after a newer one changes nothing.
    newer = finding(member.account_id, member_detector, "m0", count=9, updated="2026-11-21T00:00:00.000Z")
    assert ingest(member, member_detector, [newer]).json()["updated"] == 1
    assert ingest(member, member_detector, [batch[0]]).json()["unchanged"] == 1
    gd = admin.client()
    ids = gd.list_findings(DetectorId=admin_detector, FindingCriteria={"Criterion": {"accountId": {"Equals": [member.account_id]}}},
                           SortCriteria={"AttributeName": "updatedAt", "OrderBy": "DESC"})["FindingIds"]
    assert ids[0] == "m0" and set(ids) == {f"m{i}" for i in range(5)}
    m0 = gd.get_findings(DetectorId=admin_detector, FindingIds=["m0"])["Findings"][0]
    assert m0["Service"]["Count"] == 9
    # Paging with boto3's paginator visits each once.
    pages = gd.get_paginator("list_findings").paginate(DetectorId=admin_detector, PaginationConfig={"PageSize": 2})
    seen = [i for page in pages for i in page["FindingIds"]]
    assert len(seen) == len(set(seen)) and {f"m{i}" for i in range(5)} <= set(seen)
    # A forged batch (another account's findings) is refused whole.
    forged = ingest(member, member_detector, [finding(admin.account_id, admin_detector, "x1")])
    assert forged.status_code == 400 and forged.headers["x-amzn-ErrorType"] == "BadRequestException"


def test_statistics_archive_and_feedback(org):
    admin, admin_detector, member, member_detector = org
    gd = admin.client()
    stats = gd.get_findings_statistics(DetectorId=admin_detector, GroupBy="ACCOUNT", OrderBy="DESC", MaxResults=10)
    accounts = {s["AccountId"]: s["TotalFindings"] for s in stats["FindingStatistics"]["GroupedByAccount"]}
    assert accounts[member.account_id] >= 5
    legacy = gd.get_findings_statistics(DetectorId=admin_detector, FindingStatisticTypes=["COUNT_BY_SEVERITY"])
    assert sum(legacy["FindingStatistics"]["CountBySeverity"].values()) == sum(accounts.values())
    by_type = admin.aws("get-findings-statistics", "--detector-id", admin_detector, "--group-by", "FINDING_TYPE")
    assert any(s["FindingType"] == "UnauthorizedAccess:EC2/SSHBruteForce" for s in by_type["FindingStatistics"]["GroupedByFindingType"])

    with pytest.raises(ClientError) as refused:
        member.client().archive_findings(DetectorId=member_detector, FindingIds=["m1"])
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    admin.aws("archive-findings", "--detector-id", admin_detector, "--finding-ids", "m1", "m2")
    current = gd.list_findings(DetectorId=admin_detector, FindingCriteria={"Criterion": {"service.archived": {"Eq": ["false"]}, "accountId": {"Eq": [member.account_id]}}})
    assert not {"m1", "m2"} & set(current["FindingIds"])
    gd.unarchive_findings(DetectorId=admin_detector, FindingIds=["m2"])
    gd.update_findings_feedback(DetectorId=admin_detector, FindingIds=["m3"], Feedback="USEFUL", Comments="true positive")
    got = {f["Id"]: f for f in gd.get_findings(DetectorId=admin_detector, FindingIds=["m1", "m2", "m3"])["Findings"]}
    assert got["m1"]["Service"]["Archived"] is True and got["m2"]["Service"]["Archived"] is False
    assert got["m3"]["Service"]["UserFeedback"] == "USEFUL"


def test_suppression_rule_with_boto3(org):
    admin, admin_detector, member, member_detector = org
    gd = admin.client()
    gd.create_filter(DetectorId=admin_detector, Name="scanners", Action="ARCHIVE", Rank=1,
                     FindingCriteria={"Criterion": {"service.action.networkConnectionAction.remoteIpDetails.ipAddressV4": {"Matches": ["192.0.2.*"]}}})
    assert gd.list_filters(DetectorId=admin_detector)["FilterNames"] == ["scanners"]
    assert gd.get_filter(DetectorId=admin_detector, FilterName="scanners")["Action"] == "ARCHIVE"
    response = ingest(member, member_detector, [finding(member.account_id, member_detector, "s1", remote="192.0.2.50"),
                                               finding(member.account_id, member_detector, "s2", remote="203.0.113.77")])
    assert response.json()["suppressed"] == 1
    archived = gd.get_findings(DetectorId=admin_detector, FindingIds=["s1", "s2"])["Findings"]
    assert {f["Id"]: f["Service"]["Archived"] for f in archived} == {"s1": True, "s2": False}
    with pytest.raises(ClientError):
        member.client().create_filter(DetectorId=member_detector, Name="mine", Action="ARCHIVE",
                                      FindingCriteria={"Criterion": {"severity": {"Gte": 1}}})
    gd.update_filter(DetectorId=admin_detector, FilterName="scanners", Action="NOOP")
    gd.delete_filter(DetectorId=admin_detector, FilterName="scanners")
    with pytest.raises(ClientError) as missing:
        gd.get_filter(DetectorId=admin_detector, FilterName="scanners")
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_coverage_from_heartbeats(org):
    admin, admin_detector, member, member_detector = org
    heartbeat = {"agentId": "agent-conformance01", "detectorId": member_detector, "hostname": "web-1", "version": "0.4.0", "configVersion": 1,
                 "sources": [{"dataSource": "CLOUD_TRAIL", "path": "/logs", "records": 3, "errors": 0, "recordsSinceLast": 3, "bytesSinceLast": 300}]}
    response = send(member.signed("POST", "/agent/v1/heartbeat", body=json.dumps(heartbeat).encode(), headers={"content-type": "application/json"}))
    assert response.status_code == 200, response.text
    resources = admin.client().list_coverage(DetectorId=admin_detector)["Resources"]
    mine = [r for r in resources if r["ResourceId"] == "agent-conformance01"]
    assert mine and mine[0]["CoverageStatus"] == "HEALTHY" and mine[0]["AccountId"] == member.account_id
    stats = admin.aws("get-coverage-statistics", "--detector-id", admin_detector, "--statistics-type", "COUNT_BY_COVERAGE_STATUS")
    assert stats["CoverageStatistics"]["CountByCoverageStatus"]["HEALTHY"] >= 1
