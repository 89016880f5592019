"""Which keys read the log bucket: `guardpost-agent scan --cloudtrail s3://…` against a small S3 stand-in that records
every request's SigV4 credential and session token, with the keys coming from the places the AWS SDKs look —
the environment, a named profile (--log-profile), the EC2 instance metadata service (IMDSv2, a session token first),
the container credentials endpoint, and a role assumed on top of them (--log-role-arn, STS AssumeRole)."""
import gzip
import http.server
import json
import os
import subprocess
import tempfile
import threading
import urllib.parse

import pytest

from conftest import ROOT

AGENT = os.environ.get("GUARDPOST_AGENT", os.path.join(ROOT, ".build", "debug", "guardpost-agent"))
ACCOUNT = "493859302102"
KEY = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2020/11/01/{ACCOUNT}_CloudTrail_us-east-1_20201101T0800Z_a.json.gz"
EVENT = {
    "eventVersion": "1.08", "eventTime": "2020-11-01T08:30:03Z", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
    "awsRegion": "us-east-1", "sourceIPAddress": "92.55.146.245", "recipientAccountId": ACCOUNT,
    "userIdentity": {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT, "accessKeyId": "ASIAEXAMPLE"},
    "requestParameters": {"name": "trail"},
}
BODY = gzip.compress(json.dumps({"Records": [EVENT]}).encode())


class Peer(http.server.ThreadingHTTPServer):
    """S3 (list and get of one object), IMDSv2, the container endpoint and STS, recording who signed what."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen = []  # (path, access key id, session token)
        self.imds_tokens = set()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/xml"):
        body = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def credential(self):
        auth = self.headers.get("Authorization", "")
        key = auth.split("Credential=")[1].split("/")[0] if "Credential=" in auth else None
        return key, self.headers.get("X-Amz-Security-Token")

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            self.server.imds_tokens.add("imds-session")
            return self.reply(200, "imds-session", "text/plain")
        self.reply(405, "")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        self.server.seen.append(("sts", *self.credential()))
        if form.get("Action") == ["AssumeRole"]:
            return self.reply(200, "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>"
                                   "<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken>"
                                   "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>")
        self.reply(400, "<Error><Code>InvalidAction</Code></Error>")

    def do_GET(self):
        path = urllib.parse.urlparse(self.path)
        if path.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") not in self.server.imds_tokens:
                return self.reply(401, "")
            role = path.path.rsplit("/", 1)[1]
            if not role:
                return self.reply(200, "log-reader-role", "text/plain")
            return self.reply(200, json.dumps({"Code": "Success", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "s", "Token": "imds-token",
                                               "Expiration": "2099-01-01T00:00:00Z"}), "application/json")
        if path.path == "/container-credentials":
            if self.headers.get("Authorization") != "container-secret":
                return self.reply(403, "")
            return self.reply(200, json.dumps({"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "s", "Token": "container-token",
                                               "Expiration": "2099-01-01T00:00:00Z"}), "application/json")
        self.server.seen.append((path.path, *self.credential()))
        query = urllib.parse.parse_qs(path.query)
        if path.path == "/logs" and "list-type" in query:
            prefix = query.get("prefix", [""])[0]
            delimiter = query.get("delimiter", [None])[0]
            keys = [KEY] if KEY.startswith(prefix) else []
            if delimiter:
                prefixes = sorted({prefix + k[len(prefix):].split("/")[0] + "/" for k in keys if "/" in k[len(prefix):]})
                contents = "".join(f"<CommonPrefixes><Prefix>{urllib.parse.quote(p)}</Prefix></CommonPrefixes>" for p in prefixes)
            else:
                contents = "".join(f"<Contents><Key>{urllib.parse.quote(k)}</Key><ETag>\"e1\"</ETag><Size>{len(BODY)}</Size>"
                                   f"<LastModified>2020-11-01T08:35:00.000Z</LastModified></Contents>" for k in keys)
            return self.reply(200, f"<ListBucketResult><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>")
        if path.path == "/logs/" + KEY:
            return self.reply(200, BODY, "application/octet-stream")
        self.reply(404, "<Error><Code>NoSuchKey</Code><Message>no</Message></Error>")


@pytest.fixture
def peer():
    server = Peer()
    yield server
    server.shutdown()


def scan(peer, env, *extra):
    """Scans the bucket; returns the finding types and which (access key, token) signed the S3 requests."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    clean.update(env)
    clean.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    result = subprocess.run(
        [AGENT, "scan", "--cloudtrail", "s3://logs/", "--account-id", ACCOUNT, "--s3-endpoint-url", peer.url, "--region", "us-east-1",
         "--intel-dir", os.path.join(ROOT, "intel"), *extra],
        env=clean, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    types = {f["type"] for f in json.loads(result.stdout)}
    signers = {(key, token) for path, key, token in peer.seen if path != "sts"}
    return types, signers


def test_environment_keys_read_the_bucket_and_find_the_logging_stopped(peer):
    types, signers = scan(peer, {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "env-token"})
    assert "Stealth:IAMUser/CloudTrailLoggingDisabled" in types
    assert signers == {("AKIAENV", "env-token")}


def test_a_named_log_profile_is_used_not_the_environment(peer):
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "credentials")
    with open(path, "w") as f:
        f.write("[log-archive]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n")
    _, signers = scan(peer, {"AWS_ACCESS_KEY_ID": "AKIAMEMBER", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SHARED_CREDENTIALS_FILE": path},
                      "--log-profile", "log-archive")
    assert signers == {("AKIAPROFILE", None)}


def test_without_keys_the_instance_profile_is_read_through_imdsv2(peer):
    types, signers = scan(peer, {"AWS_EC2_METADATA_SERVICE_ENDPOINT": peer.url, "AWS_EC2_METADATA_DISABLED": "false",
                                 "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"})
    assert "Stealth:IAMUser/CloudTrailLoggingDisabled" in types
    assert signers == {("ASIAIMDS", "imds-token")}


def test_a_container_credentials_endpoint_comes_before_the_instance(peer):
    _, signers = scan(peer, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": peer.url + "/container-credentials",
                             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-secret", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"})
    assert signers == {("ASIACONTAINER", "container-token")}


def test_a_role_is_assumed_with_the_base_keys_and_its_session_reads_the_bucket(peer):
    _, signers = scan(peer, {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_ENDPOINT_URL_STS": peer.url},
                      "--log-role-arn", "arn:aws:iam::999999999999:role/GuardpostLogReader")
    assert [(key, token) for path, key, token in peer.seen if path == "sts"] == [("AKIAENV", None)]
    assert signers == {("ASIAROLE", "role-token")}


def test_no_credentials_anywhere_is_a_clear_error_naming_the_bucket(peer):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    clean.update({"AWS_EC2_METADATA_DISABLED": "true", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"})
    result = subprocess.run([AGENT, "scan", "--cloudtrail", "s3://logs/", "--account-id", ACCOUNT, "--s3-endpoint-url", peer.url,
                             "--intel-dir", os.path.join(ROOT, "intel")], env=clean, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "s3://logs/" in result.stderr and "NoCredentials" in result.stderr
