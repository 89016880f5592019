"""Fixtures for the conformance suite: a real guardpost-admin server on its embedded PostgreSQL (or on
DATABASE_URL), accounts created with its CLI, and the real boto3 and `aws` CLI as clients."""
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import random

import boto3
import botocore.config
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("GUARDPOST_ADMIN", os.path.join(ROOT, ".build", "debug", "guardpost-admin"))
OUTPUT = os.environ.get("GUARDPOST_TEST_OUTPUT", os.path.join(ROOT, "test-output"))


def free_port():
    # Below the ephemeral range so that no outgoing connection holds it.
    for _ in range(100):
        port = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


class Server:
    """A guardpost-admin serve process with its own data dir (and so its own embedded PostgreSQL cluster)."""

    def __init__(self, name, share_with=None, extra_args=()):
        self.name = name
        self.extra_args = list(extra_args)
        # A replica shares another server's data dir, hence its embedded PostgreSQL and server key.
        self.owns_data = share_with is None
        self.data_dir = share_with.data_dir if share_with else tempfile.mkdtemp(prefix=f"guardpost-{name}-")
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = None
        os.makedirs(OUTPUT, exist_ok=True)
        self.log_path = os.path.join(OUTPUT, f"server-{name}.log")
        self.env = dict(os.environ)
        if share_with is not None:
            self.env = share_with.env
        elif os.environ.get("DATABASE_URL"):
            # A shared PostgreSQL: give this server a database of its own.
            self.env["DATABASE_URL"] = self._create_database(os.environ["DATABASE_URL"], f"gp_{name}_{uuid.uuid4().hex[:8]}")

    @staticmethod
    def _create_database(url, name):
        subprocess.run(["psql", url, "-qc", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
        base, _, _ = url.rpartition("/")
        return f"{base}/{name}"

    def cli(self, *args, check=True):
        result = subprocess.run(
            [BINARY, *args, "--data-dir", self.data_dir, "--log-level", "warning"],
            env=self.env, capture_output=True, text=True, timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"guardpost-admin {' '.join(args)} failed: {result.stderr}")
        return result

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--port", str(self.port), "--data-dir", self.data_dir, "--credential-cache-seconds", "30", *self.extra_args],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early; see {self.log_path}")
            try:
                if requests.get(self.endpoint + "/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError("server did not become healthy")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if not self.owns_data:
            return
        # The server stops the embedded cluster it started; stop it in case a CLI call left it running.
        pg_dir = os.path.join(self.data_dir, "postgres")
        pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")) or [shutil.which("pg_ctl") or "pg_ctl"]
        cluster = os.path.realpath(pg_dir)
        if os.path.exists(os.path.join(pg_dir, "postmaster.pid")):
            command = [pg_ctl[-1], "stop", "-m", "immediate", "-D", cluster]
            subprocess.run((["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []) + command, capture_output=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)
        # As root with a data dir postgres cannot reach, the cluster lives under /var/tmp/guardpost-clusters and the
        # data dir only links to it: remove it too, or every test server leaves ~80 MB behind.
        if cluster != pg_dir and cluster.startswith("/var/tmp/guardpost-clusters/"):
            shutil.rmtree(cluster, ignore_errors=True)

    def restart_postgres(self):
        """Restarts the embedded PostgreSQL under the running server (fast shutdown: connections are cut)."""
        pg_dir = os.path.realpath(os.path.join(self.data_dir, "postgres"))
        pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")) or [shutil.which("pg_ctl") or "pg_ctl"]
        command = [pg_ctl[-1], "restart", "-m", "fast", "-w", "-D", pg_dir, "-l", os.path.join(pg_dir, "restart.log")]
        result = subprocess.run((["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []) + command,
                                capture_output=True, text=True, timeout=120, cwd="/")
        assert result.returncode == 0, result.stderr + result.stdout

    def alive(self):
        """The serve process is still running and answers /health."""
        if self.process is None or self.process.poll() is not None:
            return False
        try:
            return requests.get(self.endpoint + "/health", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def s3_allow(self, account_id, bucket, check=True):
        """`guardpost-admin s3 allow`: the account may read lists from and write findings to the bucket."""
        return self.cli("s3", "allow", "--account-id", account_id, "--bucket", bucket, check=check)

    def create_account(self, account_id=None, email=None, management=False):
        account_id = account_id or "".join(random.choice("0123456789") for _ in range(12))
        args = ["accounts", "create", "--account-id", account_id, "--email", email or f"{account_id}@example.com"]
        if management:
            args.append("--organization-management")
        return Account(self, json.loads(self.cli(*args).stdout))


class Account:
    """An account's keys, with boto3 clients and an `aws` CLI runner signed with them."""

    def __init__(self, server, keys):
        self.server = server
        self.account_id = keys["accountId"]
        self.access_key_id = keys["accessKeyId"]
        self.secret_access_key = keys["secretAccessKey"]

    def client(self, region="us-east-1"):
        return boto3.client(
            "guardduty", region_name=region, endpoint_url=self.server.endpoint,
            aws_access_key_id=self.access_key_id, aws_secret_access_key=self.secret_access_key,
            config=botocore.config.Config(retries={"max_attempts": 1}),
        )

    def aws(self, *args, region="us-east-1", check=True):
        """Runs `aws guardduty ARGS --endpoint-url …` and returns parsed JSON output (or the CompletedProcess when check=False)."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.access_key_id, AWS_SECRET_ACCESS_KEY=self.secret_access_key,
                   AWS_DEFAULT_REGION=region, AWS_PAGER="", AWS_MAX_ATTEMPTS="1")
        env.pop("AWS_PROFILE", None)
        # aws CLI v1 fetches http(s):// parameter values itself unless told not to (list locations are URLs).
        config = os.path.join(OUTPUT, "aws-cli-config")
        if not os.path.exists(config):
            os.makedirs(OUTPUT, exist_ok=True)
            with open(config, "w") as f:
                f.write("[default]\ncli_follow_urlparam = false\n")
        env["AWS_CONFIG_FILE"] = config
        result = subprocess.run(["aws", "guardduty", *args, "--endpoint-url", self.server.endpoint, "--output", "json"],
                                env=env, capture_output=True, text=True, timeout=120)
        if not check:
            return result
        assert result.returncode == 0, f"aws guardduty {' '.join(args)} failed: {result.stderr}"
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def signed(self, method, path, body=b"", region="us-east-1", headers=None, secret=None, timestamp=None):
        """A botocore-signed raw request (prepared, not sent), for tampering tests."""
        request = AWSRequest(method=method, url=self.server.endpoint + path, data=body, headers=dict(headers or {}))
        auth = SigV4Auth(Credentials(self.access_key_id, secret or self.secret_access_key), "guardduty", region)
        if timestamp is not None:
            from unittest import mock
            with mock.patch("botocore.auth.get_current_datetime", return_value=timestamp):
                auth.add_auth(request)
        else:
            auth.add_auth(request)
        return request


class _ExactSigV4(SigV4Auth):
    """botocore's SigV4 with the canonical path and query given verbatim (botocore normalises both otherwise)."""

    def __init__(self, credentials, region, canonical_path=None, canonical_query=None):
        super().__init__(credentials, "guardduty", region)
        self.exact_path, self.exact_query = canonical_path, canonical_query

    def _normalize_url_path(self, path):
        return self.exact_path if self.exact_path is not None else super()._normalize_url_path(path)

    def canonical_query_string(self, request):
        return self.exact_query if self.exact_query is not None else super().canonical_query_string(request)


class RawResponse:
    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.content = status, headers, body
        self.text = body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


def send_raw(account, method, target, body=b"", region="us-east-1", headers=None, canonical_path=None, canonical_query=None,
             secret=None, timeout=30):
    """Sends `METHOD TARGET` with TARGET (path and query) on the wire byte for byte, over http.client (requests and
    urllib3 normalise dot segments), SigV4-signed by botocore — over the normalised path and query as botocore
    computes them, or over `canonical_path`/`canonical_query` given verbatim."""
    host = account.server.endpoint.split("//", 1)[1]
    request = AWSRequest(method=method, url=account.server.endpoint + target, data=body, headers=dict(headers or {}))
    _ExactSigV4(Credentials(account.access_key_id, secret or account.secret_access_key), region, canonical_path, canonical_query).add_auth(request)
    connection = http.client.HTTPConnection(*host.split(":"), timeout=timeout)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host)
        for name, value in request.headers.items():
            connection.putheader(name, value)
        if body or method in ("POST", "PUT"):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        response = connection.getresponse()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


class Console:
    """A browser-less console user: a cookie jar, sign-in, pages and CSRF-carrying forms (redirects not followed)."""

    def __init__(self, server):
        self.server = server
        self.http = requests.Session()

    def sign_in(self, access_key_id, secret, region="us-east-1"):
        return self.http.post(self.server.endpoint + "/console/login", data={"accessKeyId": access_key_id, "secretAccessKey": secret, "region": region},
                              allow_redirects=False, timeout=30)

    def get(self, path):
        return self.http.get(self.server.endpoint + path, allow_redirects=False, timeout=30)

    def csrf(self, page="/console/settings"):
        import re
        found = re.search(r'name="csrf" value="([^"]+)"', self.get(page).text)
        return found.group(1) if found else ""

    def post(self, path, data, csrf=None):
        form = dict(data)
        form["csrf"] = self.csrf() if csrf is None else csrf
        return self.http.post(self.server.endpoint + path, data=form, allow_redirects=False, timeout=30)

    @property
    def token(self):
        return self.http.cookies.get("guardpost_session")


def signed_out(response):
    """A console answer that treats the caller as signed out: a redirect to the sign-in page or a refusal."""
    if response.status_code in (301, 302, 303, 307, 308):
        return response.headers.get("location", "").startswith("/console/login") or response.headers.get("location", "").endswith("/console/login")
    return response.status_code in (401, 403)


def enrolled_pair(server, region="us-east-1"):
    """A new administrator and a new member, Enabled by invitation: (admin, admin_detector, member, member_detector)."""
    admin, member = server.create_account(), server.create_account()
    gd = admin.client(region)
    admin_detector = gd.create_detector(Enable=True)["DetectorId"]
    member_detector = member.client(region).create_detector(Enable=True)["DetectorId"]
    gd.create_members(DetectorId=admin_detector, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    gd.invite_members(DetectorId=admin_detector, AccountIds=[member.account_id])
    invitation = member.client(region).list_invitations()["Invitations"][0]["InvitationId"]
    member.client(region).accept_administrator_invitation(DetectorId=member_detector, AdministratorId=admin.account_id, InvitationId=invitation)
    return admin, admin_detector, member, member_detector


class AgentProcess:
    """What every test's `guardpost-agent run` process shares: its log, SIGKILL, a graceful stop, and whether its
    outbox of undelivered findings is empty. Subclasses set `process`, `log_path` and `state_dir` and start it."""

    process = None

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def outbox_empty(self):
        directory = os.path.join(self.state_dir, "outbox")
        return not os.path.isdir(directory) or not [n for n in os.listdir(directory) if n.endswith(".batch.json")]


def listed_finding_ids(client, detector_id, criteria=None):
    """Every finding id ListFindings gives, page by page (50 a page)."""
    ids, token = [], None
    while True:
        kwargs = {"DetectorId": detector_id, "MaxResults": 50}
        if criteria:
            kwargs["FindingCriteria"] = {"Criterion": criteria}
        if token:
            kwargs["NextToken"] = token
        page = client.list_findings(**kwargs)
        ids += page["FindingIds"]
        token = page.get("NextToken")
        if not token:
            return ids


def stored_findings(client, detector_id, criteria=None):
    """The findings a detector shows (ListFindings page by page, then GetFindings by 50): {id: (type, count)}."""
    ids = listed_finding_ids(client, detector_id, criteria)
    found = {}
    for start in range(0, len(ids), 50):
        for finding in client.get_findings(DetectorId=detector_id, FindingIds=ids[start:start + 50])["Findings"]:
            found[finding["Id"]] = (finding["Type"], finding["Service"]["Count"])
    return found


def start_moto(access_key_id):
    """A moto_server process as the S3 peer: (process, endpoint, boto3 s3 client)."""
    port = free_port()
    process = subprocess.Popen(["moto_server", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(endpoint, timeout=0.5)
            break
        except requests.RequestException:
            time.sleep(0.1)
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id=access_key_id, aws_secret_access_key="moto")
    return process, endpoint, s3


def send(request):
    """Sends a prepared AWSRequest with requests, exactly as signed."""
    prepared = request.prepare()
    return requests.request(prepared.method, prepared.url, headers=dict(prepared.headers), data=prepared.body, timeout=30)


@pytest.fixture(scope="module")
def lists_dir():
    """A directory to pass as serve --lists-dir."""
    directory = tempfile.mkdtemp(prefix="guardpost-lists-")
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def server(request):
    s = Server(request.module.__name__.replace("test_", ""))
    s.start()
    yield s
    s.stop()
