"""TLS end to end: `guardpost-admin serve --tls-certificate/--tls-key` with a throwaway CA and certificates made here
with Debian's openssl, driven by boto3 (`verify=`), the aws CLI (`--ca-bundle`), python's ssl, curl, real
`guardpost-agent` processes (`--ca-bundle`) and headless Chromium.

What is checked: the API over TLS and its refusal without the CA; TLS 1.0/1.1 refused, 1.2 and 1.3 accepted; ALPN
h2 and http/1.1; HSTS; nothing served in clear on the TLS port; `--http-redirect-port` only redirects; an agent
enrolling and delivering findings over TLS; an agent facing an untrusted, expired or misnamed certificate says so,
keeps retrying and keeps its outbox, which is delivered once it trusts the server; a SIGHUP reload serves the new
pair to new connections while long-polls open on the old one (HTTP/1.1 and HTTP/2) complete, and a broken pair is
refused; the console signed in over TLS in Chromium with a Secure, HttpOnly session cookie; the hardening issue's
connection limits (cap per address, head timeout) on the TLS port, HTTP/2 included."""
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import warnings

import boto3
import botocore.config
import botocore.exceptions
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import BINARY, OUTPUT, ROOT, AgentProcess, Server, free_port
from test_agents_end_to_end import stored, wait_equal, wait_for

AGENT = os.environ.get("GUARDPOST_AGENT", os.path.join(ROOT, ".build", "debug", "guardpost-agent"))
SHARED = os.path.join(ROOT, "..", "shared", "data")
SCENARIO = os.path.join(SHARED, "panther-scenario", "compromised-root-creds")
ENRICHMENT = os.path.join(SHARED, "panther-scenario", "enrichment-example")
TLS_FAILED = "TLS failed: the server's certificate could not be verified"
SHOTS = os.path.join(OUTPUT, "console")
# TLS 1.0 and 1.1 are offered on purpose, to see them refused.
pytestmark = pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")


# ---------------------------------------------------------------------------------------------------------------
# A throwaway PKI made with openssl: two CAs, certificates for localhost and 127.0.0.1, one of them expired.

CA_CONFIG = """[ca]
default_ca = test_ca
[test_ca]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def openssl(*args, cwd=None):
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"openssl {' '.join(args)}: {result.stderr}"
    return result.stdout


class CA:
    """A certificate authority in its own directory, issuing server certificates with `openssl ca` (which takes
    explicit start and end dates, so an expired certificate needs no fake clock)."""

    def __init__(self, directory, name):
        self.directory = directory
        os.makedirs(os.path.join(directory, "issued"))
        with open(os.path.join(directory, "ca.cnf"), "w") as f:
            f.write(CA_CONFIG)
        open(os.path.join(directory, "index.txt"), "w").close()
        with open(os.path.join(directory, "serial"), "w") as f:
            f.write("1000\n")
        self.certificate = os.path.join(directory, "ca.crt")
        self.key = os.path.join(directory, "ca.key")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", self.key,
                "-out", self.certificate, "-days", "3", "-subj", f"/CN={name}",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def issue(self, name, common_name="localhost", expired=False, names=None):
        """A key and a certificate for localhost and 127.0.0.1 (or `names`, a subjectAltName value): (certificate path, key path)."""
        key, csr, certificate = (os.path.join(self.directory, f"{name}.{ext}") for ext in ("key", "csr", "crt"))
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
                "-subj", f"/CN={common_name}")
        validity = ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"] if expired else ["-days", "3"]
        extensions = "server"
        if names:
            extensions = f"server_{name}"
            section = CA_CONFIG.split("[server]\n", 1)[1].replace("DNS:localhost, IP:127.0.0.1", names)
            with open(os.path.join(self.directory, "ca.cnf"), "a") as f:
                f.write(f"[{extensions}]\n{section}")
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", self.certificate, "-keyfile", self.key, "-extensions", extensions,
                *validity, "-notext", "-in", csr, "-out", certificate, cwd=self.directory)
        return certificate, key


def serial_of(pem_path):
    return int(openssl("x509", "-in", pem_path, "-noout", "-serial").strip().split("=", 1)[1], 16)


def spki_sha256(key_path):
    """base64 of the SHA-256 of the key's SubjectPublicKeyInfo, as Chromium's --ignore-certificate-errors-spki-list wants."""
    der = subprocess.run(["openssl", "pkey", "-in", key_path, "-pubout", "-outform", "der"], capture_output=True, check=True).stdout
    digest = subprocess.run(["openssl", "dgst", "-sha256", "-binary"], input=der, capture_output=True, check=True).stdout
    return base64.b64encode(digest).decode()


class PKI:
    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="guardpost-pki-")
        self.ca = CA(os.path.join(self.directory, "ca"), "Guardpost test CA")
        self.other_ca = CA(os.path.join(self.directory, "other-ca"), "Some other CA")
        self.server_certificate, self.server_key = self.ca.issue("server")
        self.expired_certificate, self.expired_key = self.ca.issue("expired", expired=True)
        self.ca_bundle = self.ca.certificate
        self.other_bundle = self.other_ca.certificate


@pytest.fixture(scope="module")
def pki():
    p = PKI()
    yield p
    shutil.rmtree(p.directory, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------
# A TLS server (conftest's Server checks health over http://; this one over https:// with the test CA).

class TLSServer(Server):
    def __init__(self, name, certificate, key, ca_bundle, share_with=None, redirect_port=None, host_name="127.0.0.1", extra_args=()):
        args = ["--tls-certificate", certificate, "--tls-key", key, *extra_args]
        if redirect_port is not None:
            args += ["--http-redirect-port", str(redirect_port)]
        super().__init__(name, share_with=share_with, extra_args=args)
        self.ca_bundle = ca_bundle
        self.redirect_port = redirect_port
        self.endpoint = f"https://{host_name}:{self.port}"

    def start(self, verify=None):
        """Starts `serve` and waits for /health over https (verified against `verify`, the test CA by default)."""
        verify = self.ca_bundle if verify is None else verify
        self.log_start = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
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
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if requests.get(self.endpoint + "/health", timeout=1, verify=verify).status_code == 200:
                        return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError("TLS server did not become healthy")

    def alive(self):
        if self.process is None or self.process.poll() is not None:
            return False
        try:
            return requests.get(self.endpoint + "/health", timeout=10, verify=self.ca_bundle).status_code == 200
        except requests.RequestException:
            return False

    def log(self):
        with open(self.log_path) as f:
            f.seek(self.log_start)
            return f.read()


@pytest.fixture(scope="module")
def tls_server(pki):
    s = TLSServer("tls", pki.server_certificate, pki.server_key, pki.ca_bundle, redirect_port=free_port())
    s.start()
    yield s
    s.stop()


def gd(server, account, verify=True, region="us-east-1"):
    """A boto3 GuardDuty client for the account on the TLS server: verify=True trusts the test CA only."""
    return boto3.client(
        "guardduty", region_name=region, endpoint_url=server.endpoint, verify=server.ca_bundle if verify is True else verify,
        aws_access_key_id=account.access_key_id, aws_secret_access_key=account.secret_access_key,
        config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=30),
    )


def aws(account, *args, endpoint, ca_bundle=None, check=True):
    """`aws guardduty ARGS --endpoint-url ENDPOINT [--ca-bundle CA]` with nothing else to trust (AWS_CA_BUNDLE unset)."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID=account.access_key_id, AWS_SECRET_ACCESS_KEY=account.secret_access_key,
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", AWS_MAX_ATTEMPTS="1", AWS_CONFIG_FILE="/dev/null")
    for name in ("AWS_PROFILE", "AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        env.pop(name, None)
    command = ["aws", "guardduty", *args, "--endpoint-url", endpoint, "--output", "json"]
    if ca_bundle:
        command += ["--ca-bundle", ca_bundle]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    if not check:
        return result
    assert result.returncode == 0, f"aws guardduty {' '.join(args)} failed: {result.stderr}"
    return json.loads(result.stdout) if result.stdout.strip() else {}


def enrol(server, admin, member):
    """Admin invites member (boto3 over TLS); the member's detector is created and the invitation accepted with boto3."""
    admin_gd, member_gd = gd(server, admin), gd(server, member)
    admin_detector = admin_gd.create_detector(Enable=True)["DetectorId"]
    member_detector = member_gd.create_detector(Enable=True)["DetectorId"]
    admin_gd.create_members(DetectorId=admin_detector, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    admin_gd.invite_members(DetectorId=admin_detector, AccountIds=[member.account_id])
    invitation = member_gd.list_invitations()["Invitations"][0]["InvitationId"]
    member_gd.accept_administrator_invitation(DetectorId=member_detector, AdministratorId=admin.account_id, InvitationId=invitation)
    return admin_gd, admin_detector, member_detector


def tls_context(ca_bundle, alpn=None, minimum=None, maximum=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(ca_bundle)
    if minimum is not None:
        # Debian's OpenSSL 3 refuses TLS < 1.2 at security level 1 on the client side: lower it so that the refusal
        # being tested is the server's.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = minimum
    if maximum is not None:
        context.maximum_version = maximum
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


def handshake(port, context, host="127.0.0.1"):
    """Connects and completes a TLS handshake: (TLS version, ALPN protocol, peer certificate DER)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.version(), tls.selected_alpn_protocol(), tls.getpeercert(binary_form=True)


def der_serial(der):
    result = subprocess.run(["openssl", "x509", "-inform", "der", "-noout", "-serial"], input=der, capture_output=True, check=True)
    return int(result.stdout.decode().strip().split("=", 1)[1], 16)


# ---------------------------------------------------------------------------------------------------------------
# API clients over TLS

def test_boto3_and_aws_cli_over_tls(tls_server, pki):
    server = tls_server
    assert f"guardpost-admin listening on https://127.0.0.1:{server.port}" in server.log()
    admin, member = server.create_account(), server.create_account()

    # boto3 with verify=CA: the administrator creates its detector and invites the member.
    admin_gd = gd(server, admin)
    admin_detector = admin_gd.create_detector(Enable=True)["DetectorId"]
    admin_gd.create_members(DetectorId=admin_detector, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    assert admin_gd.invite_members(DetectorId=admin_detector, AccountIds=[member.account_id])["UnprocessedAccounts"] == []

    # The aws CLI with --ca-bundle, by the certificate's DNS name: the member accepts.
    by_name = f"https://localhost:{server.port}"
    member_detector = aws(member, "create-detector", "--enable", endpoint=by_name, ca_bundle=pki.ca_bundle)["DetectorId"]
    invitations = aws(member, "list-invitations", endpoint=by_name, ca_bundle=pki.ca_bundle)["Invitations"]
    assert [i["AccountId"] for i in invitations] == [admin.account_id]
    aws(member, "accept-administrator-invitation", "--detector-id", member_detector, "--administrator-id", admin.account_id,
        "--invitation-id", invitations[0]["InvitationId"], endpoint=by_name, ca_bundle=pki.ca_bundle)

    # Both see the relationship.
    members = aws(admin, "list-members", "--detector-id", admin_detector, endpoint=server.endpoint, ca_bundle=pki.ca_bundle)["Members"]
    assert [(m["AccountId"], m["RelationshipStatus"]) for m in members] == [(member.account_id, "Enabled")]
    assert admin_gd.list_detectors()["DetectorIds"] == [admin_detector]
    assert gd(server, member).get_administrator_account(DetectorId=member_detector)["Administrator"]["AccountId"] == admin.account_id

    # Without the CA (certifi's bundle only), or trusting another CA, both refuse the server's certificate.
    for verify in (None, pki.other_bundle):
        client = gd(server, admin, verify=verify)
        with pytest.raises(botocore.exceptions.SSLError) as refused:
            client.list_detectors()
        assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)
    for bundle in (None, pki.other_bundle):
        result = aws(admin, "list-detectors", endpoint=server.endpoint, ca_bundle=bundle, check=False)
        assert result.returncode != 0 and result.stdout == ""
        assert "certificate verify failed" in result.stderr.lower(), result.stderr

    # Plain HTTP on the TLS port is not served.
    with pytest.raises(requests.RequestException):
        requests.get(f"http://127.0.0.1:{server.port}/health", timeout=10)


def test_tls_versions(tls_server, pki):
    port = tls_server.port
    # The client side really can speak TLS 1.1: a local python server restricted to TLS 1.1 accepts it.
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.set_ciphers("DEFAULT:@SECLEVEL=0")
    server_context.minimum_version = server_context.maximum_version = ssl.TLSVersion.TLSv1_1
    server_context.load_cert_chain(pki.server_certificate, pki.server_key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    accepted = []

    def serve_one():
        connection, _ = listener.accept()
        try:
            with server_context.wrap_socket(connection, server_side=True) as tls:
                accepted.append(tls.version())
        except ssl.SSLError as error:
            accepted.append(error)

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    tls11 = lambda: tls_context(pki.ca_bundle, minimum=ssl.TLSVersion.TLSv1_1, maximum=ssl.TLSVersion.TLSv1_1)  # noqa: E731
    assert handshake(listener.getsockname()[1], tls11())[0] == "TLSv1.1"
    thread.join(10)
    listener.close()
    assert accepted == ["TLSv1.1"]

    # guardpost refuses TLS 1.0 and 1.1 with a protocol_version alert.
    for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        with pytest.raises(ssl.SSLError) as refused:
            handshake(port, tls_context(pki.ca_bundle, minimum=old, maximum=old))
        assert "PROTOCOL_VERSION" in str(refused.value).upper() or "UNSUPPORTED_PROTOCOL" in str(refused.value).upper(), refused.value
    # ...and accepts 1.2 and 1.3, each with the certificate issued by the test CA.
    for version, name in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
        negotiated, _, der = handshake(port, tls_context(pki.ca_bundle, minimum=version, maximum=version))
        assert negotiated == name
        assert der_serial(der) == serial_of(pki.server_certificate)
    # Left to itself a client gets TLS 1.3.
    assert handshake(port, tls_context(pki.ca_bundle))[0] == "TLSv1.3"


def test_alpn_http2_and_hsts(tls_server, pki):
    server, port = tls_server, tls_server.port
    assert handshake(port, tls_context(pki.ca_bundle, alpn=["h2", "http/1.1"]))[1] == "h2"
    assert handshake(port, tls_context(pki.ca_bundle, alpn=["http/1.1"]))[1] == "http/1.1"

    # HTTP/1.1 with and without ALPN, on the same server; HSTS on every answer.
    for alpn in (["http/1.1"], None):
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=tls_context(pki.ca_bundle, alpn=alpn), timeout=10)
        try:
            connection.request("GET", "/health")
            response = connection.getresponse()
            assert (response.status, response.read(), response.version) == (200, b"ok\n", 11)
            assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
        finally:
            connection.close()

    # HTTP/2 with curl (nghttp2): 200 and HSTS.
    result = subprocess.run(["curl", "-sS", "--http2", "--cacert", pki.ca_bundle, "-D", "-", "-o", "/dev/null",
                             "-w", "version=%{http_version}\n", f"{server.endpoint}/health"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("HTTP/2 200") and "version=2" in result.stdout
    assert "strict-transport-security: max-age=31536000" in result.stdout.lower()

    # HSTS also on API errors, API answers and console pages.
    admin = server.create_account()
    unsigned = requests.get(server.endpoint + "/detector", verify=pki.ca_bundle, timeout=10)
    assert unsigned.status_code == 403 and unsigned.headers["Strict-Transport-Security"] == "max-age=31536000"
    missing = requests.get(server.endpoint + "/no/such/route", verify=pki.ca_bundle, timeout=10)
    assert missing.status_code in (403, 404) and missing.headers["Strict-Transport-Security"] == "max-age=31536000"
    request = AWSRequest(method="GET", url=server.endpoint + "/detector")
    SigV4Auth(Credentials(admin.access_key_id, admin.secret_access_key), "guardduty", "us-east-1").add_auth(request)
    prepared = request.prepare()
    signed = requests.get(prepared.url, headers=dict(prepared.headers), verify=pki.ca_bundle, timeout=10)
    assert signed.status_code == 200 and signed.json() == {"detectorIds": []}
    assert signed.headers["Strict-Transport-Security"] == "max-age=31536000"
    login = requests.get(server.endpoint + "/console/login", verify=pki.ca_bundle, timeout=10)
    assert login.status_code == 200 and login.headers["Strict-Transport-Security"] == "max-age=31536000"

    # The console cookie is Secure over TLS.
    session = requests.Session()
    signed_in = session.post(server.endpoint + "/console/login", data={"accessKeyId": admin.access_key_id, "secretAccessKey": admin.secret_access_key,
                             "region": "us-east-1"}, allow_redirects=False, verify=pki.ca_bundle, timeout=30)
    assert signed_in.status_code in (302, 303)
    cookie = signed_in.headers["Set-Cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert cookie.startswith("guardpost_session=") and {"secure", "httponly"} <= attributes, cookie


def test_http_redirect_port_only_redirects(tls_server, pki):
    server = tls_server
    plain = f"http://127.0.0.1:{server.redirect_port}"
    admin = server.create_account()
    detector = gd(server, admin).create_detector(Enable=True)["DetectorId"]
    cases = [("GET", "/health", ""), ("GET", "/console/findings", "severity=7&archived=false"), ("POST", "/detector", ""),
             ("POST", f"/detector/{detector}/findings/statistics", "a=1"), ("PUT", "/anything", ""), ("DELETE", f"/detector/{detector}", ""),
             ("HEAD", "/console", ""), ("GET", "/", ""), ("GET", "/agent/v1/config", f"detectorId={detector}&version=0&wait=30")]
    for method, path, query in cases:
        target = path + ("?" + query if query else "")
        body = b'{"enable": true}' if method in ("POST", "PUT") else None
        # Signed with the administrator's keys: even a valid request is not served in clear.
        request = AWSRequest(method=method, url=plain + target, data=body or b"")
        SigV4Auth(Credentials(admin.access_key_id, admin.secret_access_key), "guardduty", "us-east-1").add_auth(request)
        headers = dict(request.prepare().headers)
        started = time.time()
        response = requests.request(method, plain + target, data=body, headers=headers, allow_redirects=False, timeout=10)
        assert time.time() - started < 5  # the long-poll is not served either
        assert response.status_code == 308, (method, target, response.status_code, response.text)
        assert response.headers["Location"] == f"https://127.0.0.1:{server.port}{target}", (method, target)
        assert "detectorId" not in response.text and "ok" not in response.text and "<html" not in response.text.lower()
    # The host named by the client is kept; the port becomes the TLS one.
    response = requests.get(plain + "/console?x=%2F", headers={"Host": f"localhost:{server.redirect_port}"}, allow_redirects=False, timeout=10)
    assert response.status_code == 308 and response.headers["Location"] == f"https://localhost:{server.port}/console?x=%2F"
    # The detector survived the DELETE sent to the redirect port; following the redirect lands on the TLS server.
    assert gd(server, admin).list_detectors()["DetectorIds"] == [detector]
    followed = requests.get(plain + "/health", verify=pki.ca_bundle, timeout=10)
    assert followed.status_code == 200 and followed.text == "ok\n" and [r.status_code for r in followed.history] == [308]
    assert followed.url == f"https://127.0.0.1:{server.port}/health"
    # TLS is not spoken on the redirect port.
    with pytest.raises(ssl.SSLError):
        handshake(server.redirect_port, tls_context(pki.ca_bundle))


# ---------------------------------------------------------------------------------------------------------------
# Agents over TLS

class TLSAgent(AgentProcess):
    """A `guardpost-agent run` process with its stdout and stderr kept apart (one file pair per start); its log is
    the stderr."""

    def __init__(self, name, account, state_dir, cloudtrail_dir):
        self.name, self.account, self.state_dir, self.cloudtrail_dir = name, account, state_dir, cloudtrail_dir
        self.process = None
        self.starts = 0

    def start(self, endpoint, ca_bundle=None, env_bundle=None):
        self.starts += 1
        self.stderr_path = self.log_path = os.path.join(OUTPUT, f"agent-tls-{self.name}-{self.starts}.stderr")
        args = [AGENT, "run", "--endpoint-url", endpoint, "--region", "us-east-1", "--state-dir", self.state_dir,
                "--cloudtrail", self.cloudtrail_dir, "--heartbeat-seconds", "1", "--idle-flush-seconds", "1", "--updates-every-seconds", "1"]
        if ca_bundle:
            args += ["--ca-bundle", ca_bundle]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.account.access_key_id, AWS_SECRET_ACCESS_KEY=self.account.secret_access_key)
        for name in ("AWS_PROFILE", "AWS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
            env.pop(name, None)
        if env_bundle:
            env["AWS_CA_BUNDLE"] = env_bundle
        self.process = subprocess.Popen(args, env=env, stdout=open(self.stderr_path.replace(".stderr", ".stdout"), "w"),
                                        stderr=open(self.stderr_path, "w"))
        return self

    def stderr(self):
        return self.log()

    def outbox(self):
        directory = os.path.join(self.state_dir, "outbox")
        return sorted(n for n in os.listdir(directory) if n.endswith(".batch.json")) if os.path.isdir(directory) else []


def scan(account_id, cloudtrail_dir):
    """What an offline scan of the same logs finds: {id: (type, count)}."""
    result = subprocess.run([AGENT, "scan", "--account-id", account_id, "--cloudtrail", cloudtrail_dir], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return {f["id"]: (f["type"], f["service"]["count"]) for f in json.loads(result.stdout)}


def agent_env(account, **extra):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=account.access_key_id, AWS_SECRET_ACCESS_KEY=account.secret_access_key)
    for name in ("AWS_PROFILE", "AWS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        env.pop(name, None)
    env.update(extra)
    return env


needs_data = pytest.mark.skipif(not os.path.isdir(SCENARIO), reason="../shared/data is not here")


@needs_data
def test_agent_enrols_and_delivers_findings_over_tls(tls_server, pki, tmp_path):
    server = tls_server
    admin, member = server.create_account(), server.create_account()
    admin_gd = gd(server, admin)
    admin_detector = admin_gd.create_detector(Enable=True)["DetectorId"]
    admin_gd.create_members(DetectorId=admin_detector, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    admin_gd.invite_members(DetectorId=admin_detector, AccountIds=[member.account_id])

    # The member's side with the agent's CLI: the bundle by AWS_CA_BUNDLE, then by --ca-bundle.
    listed = subprocess.run([AGENT, "invitations", "list", "--endpoint-url", server.endpoint, "--region", "us-east-1"],
                            env=agent_env(member, AWS_CA_BUNDLE=pki.ca_bundle), capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert [i["accountId"] for i in json.loads(listed.stdout)["invitations"]] == [admin.account_id]
    accepted = subprocess.run([AGENT, "invitations", "accept", "--administrator-id", admin.account_id, "--endpoint-url", server.endpoint,
                               "--region", "us-east-1", "--ca-bundle", pki.ca_bundle], env=agent_env(member), capture_output=True, text=True, timeout=60)
    assert accepted.returncode == 0, accepted.stderr
    assert [(m["AccountId"], m["RelationshipStatus"]) for m in admin_gd.list_members(DetectorId=admin_detector)["Members"]] == [(member.account_id, "Enabled")]

    logs = tmp_path / "cloudtrail"
    logs.mkdir()
    agent = TLSAgent("deliver", member, str(tmp_path / "state"), str(logs)).start(server.endpoint, ca_bundle=pki.ca_bundle)
    try:
        wait_for(lambda: "configuration applied" in agent.stderr(), what="the first configuration over TLS")
        assert '"administrator": "' + admin.account_id in agent.stderr() or f"administrator={admin.account_id}" in agent.stderr()
        shutil.copy(os.path.join(SCENARIO, "attacker_cloudtrail.native.json"), logs / "1.json")
        shutil.copy(os.path.join(ENRICHMENT, "attacker_cloudtrail.native.json"), logs / "2.json")
        expected = scan(member.account_id, str(logs))
        assert "Stealth:IAMUser/CloudTrailLoggingDisabled" in {t for t, _ in expected.values()}
        wait_equal(lambda: stored(admin_gd, admin_detector, member.account_id), expected)
        wait_for(lambda: not agent.outbox(), what="an empty outbox")
        assert TLS_FAILED not in agent.stderr()
        assert agent.process.poll() is None
    finally:
        agent.stop()


def refused_then_delivered(pki, good_server, bad_endpoint, bad_starts, tmp_path, name):
    """An enrolled member's agent: first run trusted (saves its configuration), then each of `bad_starts` (kwargs of
    TLSAgent.start against `bad_endpoint`) while logs arrive — it must say TLS failed, keep running and keep every
    batch in its outbox — then a trusted run against `good_server` delivers all of it."""
    admin = good_server.create_account()
    member = good_server.create_account()
    admin_gd, admin_detector, _ = enrol(good_server, admin, member)
    logs = tmp_path / "cloudtrail"
    logs.mkdir()
    agent = TLSAgent(name, member, str(tmp_path / "state"), str(logs))
    try:
        agent.start(good_server.endpoint, ca_bundle=pki.ca_bundle)
        wait_for(lambda: "configuration applied" in agent.stderr(), what="the first configuration")
        agent.stop()

        outbox = None
        for i, start in enumerate(bad_starts):
            agent.start(bad_endpoint, **start)
            wait_for(lambda: TLS_FAILED in agent.stderr(), timeout=30, what=f"a clear TLS failure ({start})")
            if i == 0:
                shutil.copy(os.path.join(SCENARIO, "attacker_cloudtrail.native.json"), logs / "1.json")
                wait_for(agent.outbox, what="findings detected into the outbox while the server is not trusted")
                time.sleep(2)
                outbox = agent.outbox()
            # It keeps retrying (several failures, still running) and delivers nothing.
            wait_for(lambda: agent.stderr().count(TLS_FAILED) >= 3, timeout=30, what="retries")
            assert agent.process.poll() is None, agent.stderr()
            assert agent.outbox() == outbox
            assert stored(admin_gd, admin_detector, member.account_id) == {}
            agent.stop()
            assert agent.outbox() == outbox, "the outbox must survive a stop"

        expected = scan(member.account_id, str(logs))
        assert expected and len(outbox) >= 1
        agent.start(good_server.endpoint, ca_bundle=pki.ca_bundle)
        wait_equal(lambda: stored(admin_gd, admin_detector, member.account_id), expected)
        wait_for(lambda: not agent.outbox(), what="an empty outbox once the server is trusted")
        assert TLS_FAILED not in agent.stderr()
    finally:
        agent.stop()
    return member


@needs_data
def test_agent_refuses_an_untrusted_server_and_keeps_its_outbox(tls_server, pki, tmp_path):
    # The agent's CLI too: no bundle, or another CA's, is a clear failure (exit 1, nothing on stdout).
    member = tls_server.create_account()
    for extra in ([], ["--ca-bundle", pki.other_bundle]):
        result = subprocess.run([AGENT, "invitations", "list", "--endpoint-url", tls_server.endpoint, "--region", "us-east-1", *extra],
                                env=agent_env(member), capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and result.stdout == ""
        assert TLS_FAILED in result.stderr, result.stderr
    refused_then_delivered(pki, tls_server, tls_server.endpoint, [{}, {"ca_bundle": pki.other_bundle}, {"env_bundle": pki.other_bundle}],
                           tmp_path, "untrusted")


@needs_data
def test_agent_refuses_an_expired_certificate_and_keeps_its_outbox(tls_server, pki, tmp_path):
    # A replica of the same database whose certificate (from the trusted CA) expired in 2020.
    expired = TLSServer("tls_expired", pki.expired_certificate, pki.expired_key, pki.ca_bundle, share_with=tls_server)
    expired.start(verify=False)
    try:
        with pytest.raises(ssl.SSLCertVerificationError) as refused:
            handshake(expired.port, tls_context(pki.ca_bundle))
        assert "certificate has expired" in str(refused.value)
        admin = tls_server.create_account()
        with pytest.raises(botocore.exceptions.SSLError):
            gd(expired, admin).list_detectors()
        member = tls_server.create_account()
        result = subprocess.run([AGENT, "invitations", "list", "--endpoint-url", expired.endpoint, "--region", "us-east-1", "--ca-bundle", pki.ca_bundle],
                                env=agent_env(member), capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and TLS_FAILED in result.stderr, result.stderr
        refused_then_delivered(pki, tls_server, expired.endpoint, [{"ca_bundle": pki.ca_bundle}], tmp_path, "expired")
    finally:
        expired.stop()


def test_a_certificate_for_another_name_is_refused(tls_server, pki):
    """Trusted CA, valid dates, but issued to another name: boto3 and the agent refuse it."""
    certificate, key = pki.ca.issue("elsewhere", common_name="elsewhere.example", names="DNS:elsewhere.example")
    assert "elsewhere.example" in openssl("x509", "-in", certificate, "-noout", "-ext", "subjectAltName")
    other = TLSServer("tls_other_name", certificate, key, pki.ca_bundle, share_with=tls_server)
    other.start(verify=False)
    try:
        with pytest.raises(ssl.SSLCertVerificationError) as refused:
            handshake(other.port, tls_context(pki.ca_bundle))
        assert "mismatch" in str(refused.value).lower()
        member = tls_server.create_account()
        with pytest.raises(botocore.exceptions.SSLError):
            gd(other, member).list_detectors()
        result = subprocess.run([AGENT, "invitations", "list", "--endpoint-url", other.endpoint, "--region", "us-east-1", "--ca-bundle", pki.ca_bundle],
                                env=agent_env(member), capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and result.stdout == "" and TLS_FAILED in result.stderr, result.stderr
    finally:
        other.stop()


def test_tls_from_the_environment_and_flag_checks(tls_server, pki):
    """GUARDPOST_TLS_CERTIFICATE/GUARDPOST_TLS_KEY instead of the flags; the flags that need each other are refused."""
    certificate, key = pki.ca.issue("from-env")
    server = TLSServer("tls_env", pki.server_certificate, pki.server_key, pki.ca_bundle, share_with=tls_server)
    server.extra_args = []  # no TLS flags: the environment names the pair
    server.env = dict(server.env, GUARDPOST_TLS_CERTIFICATE=certificate, GUARDPOST_TLS_KEY=key)
    server.start()
    try:
        assert der_serial(handshake(server.port, tls_context(pki.ca_bundle))[2]) == serial_of(certificate)
        assert f"guardpost-admin listening on https://127.0.0.1:{server.port}" in server.log()
    finally:
        server.stop()
    for args, message in ((["--tls-certificate", certificate], "go together"), (["--tls-key", key], "go together"),
                          (["--http-redirect-port", str(free_port())], "needs --tls-certificate")):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GUARDPOST_TLS_")}
        result = subprocess.run([BINARY, "serve", "--port", str(free_port()), "--data-dir", tls_server.data_dir, *args],
                                env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and message in result.stderr, (args, result.stderr)


# ---------------------------------------------------------------------------------------------------------------
# Reload on SIGHUP

def test_sighup_reload_serves_the_new_pair_while_a_long_poll_goes_on(tls_server, pki):
    directory = tempfile.mkdtemp(prefix="guardpost-reload-")
    certificate, key = os.path.join(directory, "tls.crt"), os.path.join(directory, "tls.key")
    shutil.copy(pki.server_certificate, certificate)
    shutil.copy(pki.server_key, key)
    old_serial = serial_of(pki.server_certificate)
    new_certificate, new_key = pki.ca.issue("renewed", common_name="renewed.localhost")
    new_serial = serial_of(new_certificate)
    assert new_serial != old_serial
    server = TLSServer("tls_reload", certificate, key, pki.ca_bundle, share_with=tls_server)
    server.start()
    try:
        admin = tls_server.create_account()
        admin_gd = gd(server, admin)
        detector = admin_gd.create_detector(Enable=True)["DetectorId"]
        credentials = Credentials(admin.access_key_id, admin.secret_access_key)

        def signed_get(target):
            request = AWSRequest(method="GET", url=server.endpoint + target)
            SigV4Auth(credentials, "guardduty", "us-east-1").add_auth(request)
            return dict(request.headers.items())

        current = requests.get(server.endpoint + f"/agent/v1/config?detectorId={detector}", headers=signed_get(f"/agent/v1/config?detectorId={detector}"),
                               verify=pki.ca_bundle, timeout=10)
        assert current.status_code == 200, current.text
        version = current.json()["version"]

        # A long-poll on its own connection (HTTP/1.1), opened on the old certificate.
        connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=tls_context(pki.ca_bundle), timeout=60)
        target = f"/agent/v1/config?detectorId={detector}&version={version}&wait=30"
        headers = signed_get(target)
        connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        for name, value in [("Host", f"127.0.0.1:{server.port}"), *headers.items()]:
            connection.putheader(name, value)
        connection.endheaders()
        assert der_serial(connection.sock.getpeercert(binary_form=True)) == old_serial
        answer = {}

        def wait_answer():
            started = time.time()
            response = connection.getresponse()
            answer.update(status=response.status, body=response.read(), seconds=time.time() - started)

        poller = threading.Thread(target=wait_answer, daemon=True)
        poller.start()
        # A second long-poll over HTTP/2 (curl signs it with SigV4 itself).
        curl = subprocess.Popen(["curl", "-sS", "--http2", "--cacert", pki.ca_bundle, "--aws-sigv4", "aws:amz:us-east-1:guardduty",
                                 "--user", f"{admin.access_key_id}:{admin.secret_access_key}", "-w", "\n%{http_version} %{http_code}",
                                 server.endpoint + target], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1)

        # A broken pair (the new certificate with the old key) is refused on SIGHUP: the old pair stays in force.
        shutil.copy(new_certificate, certificate + ".tmp")
        os.replace(certificate + ".tmp", certificate)
        server.process.send_signal(signal.SIGHUP)
        wait_for(lambda: "reload failed" in server.log(), timeout=15, what="the failed reload in the log")
        assert der_serial(handshake(server.port, tls_context(pki.ca_bundle))[2]) == old_serial
        assert server.alive()

        # The renewed pair, replaced in place as certbot would, then SIGHUP: new handshakes get it.
        shutil.copy(new_key, key + ".tmp")
        os.replace(key + ".tmp", key)
        server.process.send_signal(signal.SIGHUP)
        wait_for(lambda: der_serial(handshake(server.port, tls_context(pki.ca_bundle))[2]) == new_serial, timeout=15,
                 what="the renewed certificate on a new connection")
        assert "TLS certificate reloaded" in server.log()
        assert poller.is_alive(), f"the long-poll ended early: {answer}"
        fresh = requests.get(server.endpoint + "/health", verify=pki.ca_bundle, timeout=10)
        assert fresh.status_code == 200

        # The long-poll opened before the reload completes normally on its connection when the configuration changes.
        admin_gd.update_detector(DetectorId=detector, FindingPublishingFrequency="FIFTEEN_MINUTES")
        poller.join(20)
        assert answer.get("status") == 200, answer
        config = json.loads(answer["body"])
        assert config["version"] > version and config["findingPublishingFrequency"] == "FIFTEEN_MINUTES"
        assert answer["seconds"] < 25
        out, err = curl.communicate(timeout=20)
        body, _, status = out.rpartition("\n")
        assert status == "2 200", (out, err)
        assert json.loads(body)["version"] == config["version"]
        # Same connection, still on the old certificate, still usable (keep-alive).
        assert der_serial(connection.sock.getpeercert(binary_form=True)) == old_serial
        connection.request("GET", "/health")
        reused = connection.getresponse()
        assert (reused.status, reused.read()) == (200, b"ok\n")
        connection.close()
        subject = subprocess.run(["openssl", "x509", "-inform", "der", "-noout", "-subject"],
                                 input=handshake(server.port, tls_context(pki.ca_bundle))[2], capture_output=True, check=True).stdout.decode()
        assert "renewed.localhost" in subject
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------
# The console over TLS in headless Chromium

class Browser:
    """One headless Chromium tab over the DevTools protocol, trusting exactly one server key (by its SPKI hash)."""

    def __init__(self, spki):
        import websocket  # pip websocket-client

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        assert chromium, "Debian's chromium package is not installed"
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="guardpost-chromium-tls-")
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             f"--ignore-certificate-errors-spki-list={spki}", f"--remote-debugging-port={self.port}", f"--user-data-dir={self.profile}",
             "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while True:
            try:
                pages = [t for t in requests.get(f"http://127.0.0.1:{self.port}/json/list", timeout=1).json() if t["type"] == "page"]
                if pages:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline:
                raise AssertionError("Chromium did not open its DevTools port")
            time.sleep(0.2)
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.call("Page.enable")
        self.call("Network.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_loaded(self, path_prefix):
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                state, path = self.evaluate("[document.readyState, location.pathname + location.search]")
                if state == "complete" and path.startswith(path_prefix):
                    return path
            except Exception:  # noqa: BLE001 - the page may be between documents
                pass
            time.sleep(0.1)
        raise AssertionError(f"page did not load ({path_prefix})")

    def go(self, url, path_prefix):
        navigated = self.call("Page.navigate", url=url)
        assert "errorText" not in navigated, navigated
        time.sleep(0.2)
        return self.wait_loaded(path_prefix)

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path = os.path.join(SHOTS, f"{name}.png")
        with open(path, "wb") as f:
            f.write(data)
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        return path

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.mark.skipif(os.environ.get("GUARDPOST_BROWSER_TESTS") != "1", reason="browser tests run with GUARDPOST_BROWSER_TESTS=1 (scripts/test.sh)")
def test_console_signed_in_over_tls_in_chromium(tls_server, pki):
    server = tls_server
    admin = server.create_account()
    detector = gd(server, admin).create_detector(Enable=True)["DetectorId"]
    gd(server, admin).create_sample_findings(DetectorId=detector, FindingTypes=["Recon:EC2/Portscan"])
    browser = Browser(spki_sha256(pki.server_key))
    try:
        browser.go(f"{server.endpoint}/console", "/console/login")
        assert browser.evaluate("location.protocol") == "https:"
        assert browser.evaluate("performance.getEntriesByType('navigation')[0].nextHopProtocol") == "h2"
        browser.screenshot("tls-00-sign-in")
        browser.evaluate("window.__old = true")
        browser.evaluate(
            f"document.querySelector('[name=accessKeyId]').value = '{admin.access_key_id}';"
            f"document.querySelector('[name=secretAccessKey]').value = '{admin.secret_access_key}';"
            "document.querySelector('form[action=\"/console/login\"]').submit()")
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if browser.evaluate("window.__old === undefined && document.readyState === 'complete' && location.pathname === '/console'"):
                    break
            except Exception:  # noqa: BLE001
                pass
            time.sleep(0.1)
        else:
            raise AssertionError("sign-in did not lead to the summary")
        assert browser.evaluate("document.querySelector('h1').textContent") == "Summary"
        assert browser.evaluate("document.cookie") == ""  # HttpOnly: scripts do not see it
        cookies = [c for c in browser.call("Network.getCookies", urls=[f"{server.endpoint}/console"])["cookies"] if c["name"] == "guardpost_session"]
        assert len(cookies) == 1, cookies
        cookie = cookies[0]
        assert cookie["secure"] is True and cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
        assert len(cookie["value"]) >= 20
        all_cookies = [c for c in browser.call("Network.getAllCookies")["cookies"] if c["name"] == "guardpost_session"]
        assert [(c["secure"], c["httpOnly"]) for c in all_cookies] == [(True, True)]
        # The signed-in pages render over TLS.
        browser.go(f"{server.endpoint}/console/findings", "/console/findings")
        assert browser.evaluate("document.querySelector('h1').textContent") == "Findings"
        assert "Recon:EC2/Portscan" in browser.evaluate("document.body.innerText")
        browser.go(f"{server.endpoint}/console", "/console")
        assert browser.evaluate("document.querySelector('h1').textContent") == "Summary"
        browser.screenshot("tls-01-summary")
    finally:
        browser.close()


# ---------------------------------------------------------------------------------------------------------------
# The connection limits of the hardening issue hold over TLS, HTTP/2 included

def h2_frame(kind, flags, stream, payload=b""):
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


def seconds_until_closed(tls_socket, limit, answer_pings=False):
    """Reads (answering SETTINGS, and PINGs when asked) until the server closes: seconds, or None if still open."""
    started, buffer = time.time(), b""
    tls_socket.settimeout(1)
    while time.time() - started < limit:
        try:
            data = tls_socket.recv(4096)
        except socket.timeout:
            continue
        except (ssl.SSLError, OSError):
            return time.time() - started
        if not data:
            return time.time() - started
        buffer += data
        while len(buffer) >= 9 and len(buffer) >= 9 + int.from_bytes(buffer[:3], "big"):
            length, kind, flags = int.from_bytes(buffer[:3], "big"), buffer[3], buffer[4]
            payload, buffer = buffer[9:9 + length], buffer[9 + length:]
            if kind == 4 and not flags & 1:
                tls_socket.send(h2_frame(4, 1, 0))
            if kind == 6 and not flags & 1 and answer_pings:
                tls_socket.send(h2_frame(6, 1, 0, payload))
    return None


def test_connection_limits_hold_over_tls(tls_server, pki):
    """--request-head-timeout (also the keep-alive idle timeout), --idle-timeout and --max-connections-per-address on
    the TLS port: a handshake that never starts, an HTTP/1.1 connection that sends nothing and an HTTP/2 connection
    that sends nothing are all closed soon after the head timeout (the last one, which ignores the GOAWAY's PING, by
    the idle timeout); connections past the cap are refused."""
    server = TLSServer("tls_limits", pki.server_certificate, pki.server_key, pki.ca_bundle, share_with=tls_server,
                       extra_args=["--request-head-timeout", "2", "--max-connections-per-address", "4", "--idle-timeout", "6"])
    server.start()
    try:
        def connect(alpn):
            raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            return tls_context(pki.ca_bundle, alpn=alpn).wrap_socket(raw, server_hostname="127.0.0.1")

        time.sleep(3)  # the health check's connections are gone
        # The cap: four connections held open, the fifth refused.
        held = [connect(["http/1.1"]) for _ in range(4)]
        with pytest.raises((ssl.SSLError, OSError)):
            fifth = connect(["http/1.1"])
            fifth.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            fifth.settimeout(5)
            if not fifth.recv(100):
                raise ConnectionResetError("closed")
        for c in held:
            c.close()
        time.sleep(1)

        # Nothing sent: no ClientHello, no HTTP/1.1 request.
        raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        raw.settimeout(15)
        started = time.time()
        assert raw.recv(100) == b"" and time.time() - started < 8
        raw.close()
        http1 = connect(["http/1.1"])
        closed = seconds_until_closed(http1, 15)
        assert closed is not None and closed < 8, closed
        http1.close()

        # HTTP/2: a client that answers the server's PING is let go after the GOAWAY...
        polite = connect(["h2"])
        assert polite.selected_alpn_protocol() == "h2"
        polite.send(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(4, 0, 0))
        closed = seconds_until_closed(polite, 15, answer_pings=True)
        assert closed is not None and closed < 8, closed
        polite.close()
        # ...and one that sends nothing more must be closed too (it holds a connection slot of its address).
        silent = connect(["h2"])
        silent.send(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(4, 0, 0))
        closed = seconds_until_closed(silent, 30)
        silent.close()
        assert closed is not None, "an idle HTTP/2 connection that ignores the GOAWAY's PING is never closed (past 30 s, idle timeout 6 s)"
        assert closed < 15, closed
    finally:
        server.stop()


def test_redirect_port_holds_the_same_connection_limits(tls_server, pki):
    """The plain-HTTP redirect listener is reachable from the same networks as the TLS port: a connection that sends
    nothing, or half a request head, is closed soon after the head timeout, and connections past the cap per address
    are refused there too."""
    server = TLSServer("tls_redirect_limits", pki.server_certificate, pki.server_key, pki.ca_bundle, share_with=tls_server,
                       redirect_port=free_port(), extra_args=["--request-head-timeout", "2", "--max-connections-per-address", "4"])
    server.start()
    try:
        def seconds_to_close(send=b"", limit=20):
            connection = socket.create_connection(("127.0.0.1", server.redirect_port), timeout=limit)
            try:
                if send:
                    connection.sendall(send)
                started = time.time()
                try:
                    while connection.recv(4096):
                        pass
                except socket.timeout:
                    return None
                except OSError:
                    pass
                return time.time() - started
            finally:
                connection.close()

        # The listener works.
        assert requests.get(f"http://127.0.0.1:{server.redirect_port}/x", allow_redirects=False, timeout=10).status_code == 308
        time.sleep(1)
        problems = []
        # The cap: four connections held, the fifth refused before it is answered.
        held = [socket.create_connection(("127.0.0.1", server.redirect_port), timeout=10) for _ in range(4)]
        time.sleep(0.5)  # the server has set the four up (connections are set up on several event loops at once)
        fifth = socket.create_connection(("127.0.0.1", server.redirect_port), timeout=10)
        try:
            fifth.sendall(b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            try:
                answer = fifth.recv(100)
            except OSError:
                answer = b""
            if answer != b"":
                problems.append(f"a fifth connection from one address is served (cap 4): {answer[:40]!r}")
        finally:
            fifth.close()
            for connection in held:
                connection.close()
        time.sleep(1)
        # Slow clients.
        closed = seconds_to_close()
        if closed is None or closed >= 8:
            problems.append(f"a connection that sends nothing stays open (closed after {closed} s; head timeout 2 s)")
        closed = seconds_to_close(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        if closed is None or closed >= 8:
            problems.append(f"half a request head stays open (closed after {closed} s; head timeout 2 s)")
        assert not problems, "the redirect port does not hold the connection limits: " + "; ".join(problems)
    finally:
        server.stop()
