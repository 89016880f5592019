"""Detectors, tags and pagination as a user drives them with boto3 and the aws CLI."""
import json

import pytest


def test_detector_lifecycle(server):
    account = server.create_account()
    gd = account.client()
    created = account.aws("create-detector", "--enable", "--finding-publishing-frequency", "ONE_HOUR",
                          "--tags", "team=security", "--client-token", "tok-1")
    detector_id = created["DetectorId"]
    assert len(detector_id) == 32
    # The same client token answers the same detector; another create is refused (one per account and region).
    assert gd.create_detector(Enable=True, ClientToken="tok-1")["DetectorId"] == detector_id
    with pytest.raises(gd.exceptions.BadRequestException) as raised:
        gd.create_detector(Enable=True)
    assert "already exists" in raised.value.response["Error"]["Message"]
    # A detector in another region is a different detector.
    west = account.client("us-west-2").create_detector(Enable=True)["DetectorId"]
    assert west != detector_id
    assert gd.list_detectors()["DetectorIds"] == [detector_id]

    got = gd.get_detector(DetectorId=detector_id)
    assert got["Status"] == "ENABLED" and got["FindingPublishingFrequency"] == "ONE_HOUR"
    assert got["Tags"] == {"team": "security"}
    assert {f["Name"] for f in got["Features"]} >= {"CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "RUNTIME_MONITORING"}
    assert got["ServiceRole"].endswith("AWSServiceRoleForAmazonGuardDuty")

    gd.update_detector(DetectorId=detector_id, Enable=False, DataSources={"S3Logs": {"Enable": True}})
    got = gd.get_detector(DetectorId=detector_id)
    assert got["Status"] == "DISABLED"
    assert {f["Name"]: f["Status"] for f in got["Features"]}["S3_DATA_EVENTS"] == "ENABLED"
    assert got["FindingPublishingFrequency"] == "ONE_HOUR"

    arn = f"arn:aws:guardduty:us-east-1:{account.account_id}:detector/{detector_id}"
    gd.tag_resource(ResourceArn=arn, Tags={"env": "prod"})
    assert account.aws("list-tags-for-resource", "--resource-arn", arn)["Tags"] == {"team": "security", "env": "prod"}
    gd.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert gd.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"env": "prod"}
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.tag_resource(ResourceArn=arn, Tags={"aws:reserved": "x"})
    # Another account's ARN is not ours to tag.
    other = server.create_account()
    with pytest.raises(other.client().exceptions.AccessDeniedException):
        other.client().tag_resource(ResourceArn=arn, Tags={"x": "y"})

    account.aws("delete-detector", "--detector-id", detector_id)
    assert gd.list_detectors()["DetectorIds"] == []
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.get_detector(DetectorId=detector_id)


def test_pagination_is_complete_and_stable(server):
    admin = server.create_account()
    gd = admin.client()
    detector_id = gd.create_detector(Enable=True)["DetectorId"]
    ids = []
    for batch in range(3):
        accounts = [json.loads(server.cli("accounts", "create", "--account-id", f"7{batch}{i:010d}", "--email", f"p{batch}{i}@example.com").stdout)
                    for i in range(0, 40)]
        ids += [a["accountId"] for a in accounts]
        details = [{"AccountId": a["accountId"], "Email": f"{a['accountId']}@example.com"} for a in accounts]
        assert gd.create_members(DetectorId=detector_id, AccountDetails=details)["UnprocessedAccounts"] == []
    pages = list(gd.get_paginator("list_members").paginate(DetectorId=detector_id, OnlyAssociated="false", PaginationConfig={"PageSize": 50}))
    assert [len(p["Members"]) for p in pages] == [50, 50, 20]
    listed = [m["AccountId"] for p in pages for m in p["Members"]]
    assert listed == sorted(ids)
    # A member added while paging does not disturb what was already returned.
    first = gd.list_members(DetectorId=detector_id, OnlyAssociated="false", MaxResults=50)
    extra = json.loads(server.cli("accounts", "create", "--account-id", "799999999999", "--email", "e@example.com").stdout)
    gd.create_members(DetectorId=detector_id, AccountDetails=[{"AccountId": extra["accountId"], "Email": "e@example.com"}])
    second = gd.list_members(DetectorId=detector_id, OnlyAssociated="false", MaxResults=50, NextToken=first["NextToken"])
    assert not set(m["AccountId"] for m in first["Members"]) & set(m["AccountId"] for m in second["Members"])
    # The aws CLI paginates by itself.
    everything = admin.aws("list-members", "--detector-id", detector_id, "--only-associated", "false", "--page-size", "50")["Members"]
    assert len(everything) == 121
