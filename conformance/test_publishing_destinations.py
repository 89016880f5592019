"""S3 publishing destinations against moto_server as the S3 peer: findings of the administrator's members are
written as gzip JSON lines under AWSLogs/…/GuardDuty/…; a missing bucket is UNABLE_TO_PUBLISH with the time the
failures started, and publishing resumes (nothing lost) once the bucket exists."""
import gzip
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Server, enrolled_pair, start_moto
from test_findings import finding, ingest


@pytest.fixture(scope="module")
def moto():
    process, endpoint, s3 = start_moto("AKIAMOTOEXPORT000000")
    yield endpoint, s3
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(moto):
    endpoint, _ = moto
    s = Server("publishing", extra_args=["--s3-endpoint-url", endpoint, "--export-interval-seconds", "1"])
    s.env["AWS_ACCESS_KEY_ID"] = "AKIAMOTOEXPORT000000"
    s.env["AWS_SECRET_ACCESS_KEY"] = "moto"
    s.start()
    yield s
    s.stop()


def objects(s3, bucket):
    try:
        listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    except ClientError:
        return []
    found = []
    for item in listed:
        body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        found.append((item["Key"], [json.loads(line) for line in gzip.decompress(body).decode().splitlines()]))
    return found


def wait_for(predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    return predicate()


def test_findings_are_exported_and_a_missing_bucket_is_reported_then_recovered(server, moto):
    _, s3 = moto
    admin, admin_detector, member, member_detector = enrolled_pair(server)
    gd = admin.client()
    # Findings are written only to buckets the operator granted the account.
    server.s3_allow(admin.account_id, "findings-export")

    # The bucket does not exist yet: the destination cannot be verified.
    destination = gd.create_publishing_destination(
        DetectorId=admin_detector, DestinationType="S3",
        DestinationProperties={"DestinationArn": "arn:aws:s3:::findings-export/guardduty/", "KmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/x"},
    )["DestinationId"]
    assert gd.list_publishing_destinations(DetectorId=admin_detector)["Destinations"][0]["DestinationId"] == destination
    ingest(member, member_detector, [finding(member.account_id, member_detector, "e1"), finding(member.account_id, member_detector, "e2")])
    failing = wait_for(lambda: (d := gd.describe_publishing_destination(DetectorId=admin_detector, DestinationId=destination))["Status"]
                       == "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY" and d)
    assert failing and failing["PublishingFailureStartTimestamp"] > 0
    assert failing["DestinationProperties"]["DestinationArn"] == "arn:aws:s3:::findings-export/guardduty/"

    # The operator creates the bucket: the waiting findings are written, and later ones too.
    s3.create_bucket(Bucket="findings-export")
    assert wait_for(lambda: gd.describe_publishing_destination(DetectorId=admin_detector, DestinationId=destination)["Status"] == "PUBLISHING")
    ingest(member, member_detector, [finding(member.account_id, member_detector, "e1", count=3, updated="2026-11-22T00:00:00.000Z")])
    exported = wait_for(lambda: (found := objects(s3, "findings-export")) and sum(len(lines) for _, lines in found) >= 3 and found)
    keys = [key for key, _ in exported]
    assert all(key.startswith(f"guardduty/AWSLogs/{admin.account_id}/GuardDuty/us-east-1/") and key.endswith(".jsonl.gz") for key in keys)
    lines = [line for _, batch in exported for line in batch]
    assert sorted((f["id"], f["service"]["count"]) for f in lines) == [("e1", 1), ("e1", 3), ("e2", 1)]
    assert all(f["accountId"] == member.account_id for f in lines)
    # Written with server-side encryption under the destination's KMS key, as GuardDuty does.
    for key in keys:
        head = s3.head_object(Bucket="findings-export", Key=key)
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == "arn:aws:kms:us-east-1:111122223333:key/x"
    described = gd.describe_publishing_destination(DetectorId=admin_detector, DestinationId=destination)
    assert described["PublishingFailureStartTimestamp"] == 0

    with pytest.raises(ClientError):
        gd.create_publishing_destination(DetectorId=admin_detector, DestinationType="S3", DestinationProperties={"DestinationArn": "arn:aws:s3:::second"})
    with pytest.raises(ClientError):
        member.client().create_publishing_destination(DetectorId=member_detector, DestinationType="SQS",
                                                      DestinationProperties={"DestinationArn": "arn:aws:s3:::x-bucket"})
    gd.update_publishing_destination(DetectorId=admin_detector, DestinationId=destination,
                                     DestinationProperties={"DestinationArn": "arn:aws:s3:::findings-export"})
    gd.delete_publishing_destination(DetectorId=admin_detector, DestinationId=destination)
    assert gd.list_publishing_destinations(DetectorId=admin_detector)["Destinations"] == []
