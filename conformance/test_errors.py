"""Authentication failures and bad input: GuardDuty's error shape (x-amzn-ErrorType, {"message", "__type"}),
never a crash, never a half-written change."""
import datetime
import json

import pytest
import requests

from conftest import send


@pytest.fixture(scope="module")
def account(server):
    return server.create_account()


@pytest.fixture(scope="module")
def detector_id(account):
    return account.client().create_detector(Enable=True)["DetectorId"]


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-ErrorType"] == code
    body = response.json()
    assert body["message"]
    assert "__type" in body
    return body


# --- authentication -----------------------------------------------------------------------------

def test_unsigned_request_is_refused(server):
    assert_error(requests.get(server.endpoint + "/detector"), 403, "MissingAuthenticationTokenException")


def test_unknown_access_key_is_refused(account):
    request = account.signed("GET", "/detector")
    request.headers["Authorization"] = request.headers["Authorization"].replace(account.access_key_id, "AKIAUNKNOWNKEY000000")
    assert_error(send(request), 403, "UnrecognizedClientException")


def test_wrong_secret_is_refused(account):
    assert_error(send(account.signed("GET", "/detector", secret="x" * 40)), 403, "InvalidSignatureException")


@pytest.mark.parametrize("tamper", ["body", "path", "query", "header", "method"])
def test_tampered_requests_are_refused(account, detector_id, tamper):
    body = json.dumps({"findingPublishingFrequency": "ONE_HOUR"}).encode()
    request = account.signed("POST", f"/detector/{detector_id}?x=1", body=body, headers={"Content-Type": "application/json"})
    if tamper == "body":
        request.data = json.dumps({"findingPublishingFrequency": "SIX_HOURS"}).encode()
    elif tamper == "path":
        request.url = request.url.replace(detector_id, detector_id[:-1] + ("0" if detector_id[-1] != "0" else "1"))
    elif tamper == "query":
        request.url = request.url.replace("x=1", "x=2")
    elif tamper == "header":
        request.headers["Content-Type"] = "text/plain"
    elif tamper == "method":
        request.method = "PUT"
    response = send(request)
    if tamper == "method":
        # PUT has no operation at this path: refused either way, and nothing changed.
        assert response.status_code in (403, 404, 405)
    else:
        assert_error(response, 403, "InvalidSignatureException")
    assert account.client().get_detector(DetectorId=detector_id)["FindingPublishingFrequency"] != "ONE_HOUR"


@pytest.mark.parametrize("minutes", [-16, 16])
def test_stale_or_future_signatures_are_refused(account, minutes):
    moment = datetime.datetime.utcnow() + datetime.timedelta(minutes=minutes)
    body = assert_error(send(account.signed("GET", "/detector", timestamp=moment)), 403, "InvalidSignatureException")
    assert "Signature expired" in body["message"] or "not yet current" in body["message"]


def test_signature_within_skew_is_accepted(account):
    moment = datetime.datetime.utcnow() - datetime.timedelta(minutes=10)
    assert send(account.signed("GET", "/detector", timestamp=moment)).status_code == 200


def test_revoked_key_is_refused_at_once(server):
    account = server.create_account()
    assert account.client().list_detectors()["DetectorIds"] == []
    server.cli("accounts", "revoke-key", "--access-key-id", account.access_key_id)
    # The server caches keys for 30 s in this suite; the NOTIFY from revoke-key must drop it sooner.
    with pytest.raises(account.client().exceptions.ClientError) as raised:
        account.client().list_detectors()
    assert raised.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_second_key_works_and_keys_are_listed(server):
    account = server.create_account()
    second = json.loads(server.cli("accounts", "create-key", "--account-id", account.account_id).stdout)
    assert second["accountId"] == account.account_id and second["accessKeyId"] != account.access_key_id
    listed = {a["accountId"]: a for a in json.loads(server.cli("accounts", "list").stdout)}
    assert set(listed[account.account_id]["activeAccessKeyIds"]) == {account.access_key_id, second["accessKeyId"]}


def test_disabled_region_is_refused(server, account):
    assert account.client("ap-northeast-2").list_detectors()["DetectorIds"] == []
    server.cli("regions", "disable", "ap-northeast-2")
    try:
        with pytest.raises(account.client().exceptions.ClientError) as raised:
            account.client("ap-northeast-2").list_detectors()
        assert "region" in raised.value.response["Error"]["Message"]
    finally:
        server.cli("regions", "enable", "ap-northeast-2")
    assert account.client("ap-northeast-2").list_detectors()["DetectorIds"] == []
    with pytest.raises(account.client().exceptions.ClientError):
        account.client("mars-north-1").list_detectors()


# --- bad input ----------------------------------------------------------------------------------

def post(account, path, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return send(account.signed("POST", path, body=raw, headers={"Content-Type": "application/json"}))


def test_malformed_json_is_a_bad_request(account, detector_id):
    body = assert_error(post(account, f"/detector/{detector_id}/member", b'{"accountDetails": ['), 400, "BadRequestException")
    assert "JSON" in body["message"]


def test_wrong_types_name_the_field(account, detector_id):
    body = assert_error(post(account, f"/detector/{detector_id}/member/invite", {"accountIds": "123456789012"}), 400, "BadRequestException")
    assert "accountIds" in body["message"]
    body = assert_error(post(account, "/detector", {"enable": "yes"}), 400, "BadRequestException")
    assert "enable" in body["message"]


def test_missing_required_field_is_named(account, detector_id):
    body = assert_error(post(account, f"/detector/{detector_id}/member", {}), 400, "BadRequestException")
    assert "accountDetails" in body["message"]


def test_bad_account_ids(account, detector_id):
    # Raw requests: botocore would refuse some of these before sending; the server must refuse them itself.
    for bad in (["12345"], ["abcdefghijkl"], [str(100000000000 + i) for i in range(51)], ["111111111111", "111111111111"], []):
        body = assert_error(post(account, f"/detector/{detector_id}/member/get", {"accountIds": bad}), 400, "BadRequestException")
        assert "account" in body["message"]


def test_unknown_and_foreign_detectors(server, account, detector_id):
    other = server.create_account()
    other_detector = other.client().create_detector(Enable=True)["DetectorId"]
    for gd, target in ((account.client(), other_detector), (account.client(), "0" * 32), (other.client(), detector_id)):
        with pytest.raises(gd.exceptions.BadRequestException) as raised:
            gd.get_detector(DetectorId=target)
        assert "not owned" in raised.value.response["Error"]["Message"]
    # Another account's detector cannot be changed through member operations either.
    with pytest.raises(account.client().exceptions.BadRequestException):
        account.client().create_members(DetectorId=other_detector, AccountDetails=[{"AccountId": account.account_id, "Email": "x@example.com"}])
    assert other.client().list_members(DetectorId=other_detector, OnlyAssociated="false")["Members"] == []


def test_out_of_range_values(account, detector_id):
    gd = account.client()
    for bad in (0, 51):
        response = send(account.signed("GET", f"/detector/{detector_id}/member?maxResults={bad}"))
        assert "maxResults" in assert_error(response, 400, "BadRequestException")["message"]
    assert_error(send(account.signed("GET", f"/detector/{detector_id}/member?nextToken=garbage")), 400, "BadRequestException")
    assert_error(send(account.signed("GET", f"/detector/{detector_id}/member?onlyAssociated=maybe")), 400, "BadRequestException")
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.update_detector(DetectorId=detector_id, Features=[{"Name": "RUNTIME_MONITORING", "Status": "DISABLED"},
                                                             {"Name": "EKS_RUNTIME_MONITORING", "Status": "DISABLED"}])


def test_oversized_body_is_a_bad_request(account, detector_id):
    body = json.dumps({"accountIds": ["1" * 12], "message": "x" * (2 * 1024 * 1024)}).encode()
    response = send(account.signed("POST", f"/detector/{detector_id}/member/invite", body=body, headers={"Content-Type": "application/json"}))
    assert_error(response, 400, "BadRequestException")


def test_failed_request_changes_nothing(server, account, detector_id):
    """A request with one bad email among valid accounts is refused whole: no member is half-created."""
    member = server.create_account()
    gd = account.client()
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.create_members(DetectorId=detector_id, AccountDetails=[
            {"AccountId": member.account_id, "Email": "ok@example.com"},
            {"AccountId": "999999999999", "Email": "not-an-email"},
        ])
    assert gd.get_members(DetectorId=detector_id, AccountIds=[member.account_id])["Members"] == []


def test_unknown_operation_path(account):
    response = send(account.signed("GET", "/no-such-operation"))
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"]


def test_aws_cli_shows_the_error(account):
    result = account.aws("get-detector", "--detector-id", "f" * 32, check=False)
    assert result.returncode != 0
    assert "BadRequestException" in result.stderr and "not owned" in result.stderr
