"""Trusted IP lists, threat lists and entity lists: every location kind (file:// in --lists-dir, http, S3 via
moto_server), background activation to ACTIVE or ERROR with details, limits, and members' view of them."""
import http.server
import os
import re
import shutil
import tempfile
import threading
import time

import pytest

from conftest import Server, free_port, start_moto

SHARED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data")


@pytest.fixture(scope="module")
def moto():
    process, endpoint, s3 = start_moto("AKIAMOTOLISTS0000000")
    s3.create_bucket(Bucket="threat-intel")
    yield endpoint, s3
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def web(lists_dir):
    """A local HTTP server over the lists directory."""
    handler = lambda *args, **kwargs: http.server.SimpleHTTPRequestHandler(*args, directory=lists_dir, **kwargs)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(moto, lists_dir):
    endpoint, _ = moto
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAMOTOLISTS0000000")
    # The local http server stands in for a feed host: loopback is refused unless the operator allows it.
    s = Server("lists", extra_args=["--lists-dir", lists_dir, "--s3-endpoint-url", endpoint, "--allow-fetch-from", "127.0.0.0/8"])
    s.env["AWS_ACCESS_KEY_ID"] = "AKIAMOTOLISTS0000000"
    s.env["AWS_SECRET_ACCESS_KEY"] = "moto"
    s.start()
    yield s
    s.stop()


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def wait_status(get, wanted=("ACTIVE", "ERROR"), seconds=15):
    deadline = time.time() + seconds
    while True:
        result = get()
        if result["Status"] in wanted or time.time() > deadline:
            return result
        time.sleep(0.1)


@pytest.fixture
def admin(server):
    account = server.create_account()
    account.detector = account.client().create_detector(Enable=True)["DetectorId"]
    # Lists are read from S3 only in buckets the operator granted the account.
    server.s3_allow(account.account_id, "threat-intel")
    return account


def test_threat_list_from_the_lists_directory_activates(admin, lists_dir):
    path = write(lists_dir, "threats.txt", "# bad hosts\n92.55.146.245\n200.58.83.179\n203.0.113.0/24\n")
    gd = admin.client()
    list_id = gd.create_threat_intel_set(DetectorId=admin.detector, Name="panther", Format="TXT", Location=f"file://{path}", Activate=True)["ThreatIntelSetId"]
    got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=admin.detector, ThreatIntelSetId=list_id))
    assert got["Status"] == "ACTIVE", got
    assert got["Name"] == "panther" and got["Format"] == "TXT" and got["Location"] == f"file://{path}"
    assert gd.list_threat_intel_sets(DetectorId=admin.detector)["ThreatIntelSetIds"] == [list_id]
    # Deactivate, then delete.
    gd.update_threat_intel_set(DetectorId=admin.detector, ThreatIntelSetId=list_id, Activate=False)
    assert gd.get_threat_intel_set(DetectorId=admin.detector, ThreatIntelSetId=list_id)["Status"] == "INACTIVE"
    gd.delete_threat_intel_set(DetectorId=admin.detector, ThreatIntelSetId=list_id)
    assert gd.list_threat_intel_sets(DetectorId=admin.detector)["ThreatIntelSetIds"] == []
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.get_threat_intel_set(DetectorId=admin.detector, ThreatIntelSetId=list_id)


def test_entity_list_reports_skipped_lines_and_keeps_the_rest(admin, lists_dir):
    path = write(lists_dir, "entities.txt", "evil.example.com\n198.51.100.9\nnot a thing\n300.1.1.1\n")
    gd = admin.client()
    list_id = gd.create_threat_entity_set(DetectorId=admin.detector, Name="entities", Format="TXT", Location=f"file://{path}", Activate=True)["ThreatEntitySetId"]
    got = wait_status(lambda: gd.get_threat_entity_set(DetectorId=admin.detector, ThreatEntitySetId=list_id))
    assert got["Status"] == "ACTIVE"
    # Counts and line numbers only ("line 3" or "lines 3, 4"): never the lines themselves.
    assert "2 malformed" in got["ErrorDetails"] and re.search(r"\blines?\b[^;.]*?\b3\b", got["ErrorDetails"]), got["ErrorDetails"]
    assert "not a thing" not in got["ErrorDetails"]


def test_unusable_locations_and_files_end_in_error_with_details(admin, lists_dir, web):
    gd = admin.client()
    outside = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    outside.write("1.2.3.4\n")
    outside.close()
    garbage = write(lists_dir, "garbage.txt", "hello\nworld\n")
    cases = {
        f"file://{outside.name}": "outside the lists directory",
        f"file://{os.path.join(lists_dir, 'missing.txt')}": "does not exist",
        f"file://{garbage}": "no usable entry",
        f"{web}/missing.txt": "HTTP 404",
    }
    for index, (location, reason) in enumerate(cases.items()):
        list_id = gd.create_threat_entity_set(DetectorId=admin.detector, Name=f"bad-{index}", Format="TXT", Location=location, Activate=True)["ThreatEntitySetId"]
        got = wait_status(lambda: gd.get_threat_entity_set(DetectorId=admin.detector, ThreatEntitySetId=list_id))
        assert got["Status"] == "ERROR", (location, got)
        assert reason in got["ErrorDetails"], (location, got["ErrorDetails"])
        gd.delete_threat_entity_set(DetectorId=admin.detector, ThreatEntitySetId=list_id)
    os.unlink(outside.name)
    # Locations of other schemes are refused at once.
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.create_ip_set(DetectorId=admin.detector, Name="ftp", Format="TXT", Location="ftp://example.com/list.txt", Activate=True)


def test_lists_from_s3_and_http(admin, moto, lists_dir, web):
    _, s3 = moto
    s3.put_object(Bucket="threat-intel", Key="feeds/alienvault.txt", Body=b"92.55.146.245#4#2#Malicious Host#RU##55.7,37.6#3\n")
    write(lists_dir, "proofpoint.csv", "ip,category,score,first_seen,last_seen,ports (|)\n200.58.83.179,1,100,2020-01-01,2020-01-02,\n")
    gd = admin.client()
    sources = [
        ("s3", "s3://threat-intel/feeds/alienvault.txt", "ALIEN_VAULT"),
        ("s3-https", "https://s3.amazonaws.com/threat-intel/feeds/alienvault.txt", "ALIEN_VAULT"),
        ("http", f"{web}/proofpoint.csv", "PROOF_POINT"),
    ]
    for name, location, format in sources:
        list_id = gd.create_threat_intel_set(DetectorId=admin.detector, Name=name, Format=format, Location=location, Activate=True)["ThreatIntelSetId"]
        got = wait_status(lambda: gd.get_threat_intel_set(DetectorId=admin.detector, ThreatIntelSetId=list_id))
        assert got["Status"] == "ACTIVE", (location, got)


def test_stix_from_shared_data(admin, lists_dir, web):
    source = os.path.join(SHARED, "stix2-examples", "apt1.json")
    if not os.path.exists(source):
        pytest.skip("../shared/data is not here")
    path = os.path.join(lists_dir, "apt1.json")
    shutil.copy(source, path)
    gd = admin.client()
    # The aws CLI reads file:// arguments itself (its paramfile feature), so here the list comes over http.
    list_id = admin.aws("create-threat-entity-set", "--detector-id", admin.detector, "--name", "apt1", "--format", "STIX",
                        "--location", f"{web}/apt1.json", "--activate")["ThreatEntitySetId"]
    got = wait_status(lambda: gd.get_threat_entity_set(DetectorId=admin.detector, ThreatEntitySetId=list_id))
    assert got["Status"] == "ACTIVE", got


def test_limits(admin, lists_dir):
    gd = admin.client()
    path = write(lists_dir, "trusted.txt", "71.253.251.71\n136.24.229.58\n")
    gd.create_ip_set(DetectorId=admin.detector, Name="office", Format="TXT", Location=f"file://{path}", Activate=True)
    with pytest.raises(gd.exceptions.BadRequestException) as raised:
        gd.create_ip_set(DetectorId=admin.detector, Name="second", Format="TXT", Location=f"file://{path}", Activate=True)
    assert "at most 1" in raised.value.response["Error"]["Message"]
    # A trusted list over 2,000 entries goes to ERROR and says which limit.
    big = write(lists_dir, "big.txt", "".join(f"10.{i // 256}.{i % 256}.1\n" for i in range(2001)))
    list_id = gd.create_trusted_entity_set(DetectorId=admin.detector, Name="big", Format="TXT", Location=f"file://{big}", Activate=True)["TrustedEntitySetId"]
    got = wait_status(lambda: gd.get_trusted_entity_set(DetectorId=admin.detector, TrustedEntitySetId=list_id))
    assert got["Status"] == "ERROR" and "at most 2000" in got["ErrorDetails"]
    for index in range(6):
        gd.create_threat_intel_set(DetectorId=admin.detector, Name=f"t{index}", Format="TXT", Location=f"file://{path}", Activate=False)
    with pytest.raises(gd.exceptions.BadRequestException) as raised:
        gd.create_threat_intel_set(DetectorId=admin.detector, Name="t7", Format="TXT", Location=f"file://{path}", Activate=False)
    assert "at most 6" in raised.value.response["Error"]["Message"]


def test_members_see_and_cannot_change_their_administrators_lists(server, admin, lists_dir):
    member = server.create_account()
    member_detector = member.client().create_detector(Enable=True)["DetectorId"]
    path = write(lists_dir, "org-threats.txt", "92.55.146.245\n")
    gd = admin.client()
    list_id = gd.create_threat_intel_set(DetectorId=admin.detector, Name="org", Format="TXT", Location=f"file://{path}", Activate=True)["ThreatIntelSetId"]
    gd.create_members(DetectorId=admin.detector, AccountDetails=[{"AccountId": member.account_id, "Email": "m@example.com"}])
    gd.invite_members(DetectorId=admin.detector, AccountIds=[member.account_id])
    invitation = member.client().list_invitations()["Invitations"][0]["InvitationId"]
    member.client().accept_administrator_invitation(DetectorId=member_detector, AdministratorId=admin.account_id, InvitationId=invitation)
    assert member.client().list_threat_intel_sets(DetectorId=member_detector)["ThreatIntelSetIds"] == [list_id]
    assert member.client().get_threat_intel_set(DetectorId=member_detector, ThreatIntelSetId=list_id)["Name"] == "org"
    with pytest.raises(member.client().exceptions.BadRequestException) as raised:
        member.client().create_threat_intel_set(DetectorId=member_detector, Name="mine", Format="TXT", Location=f"file://{path}", Activate=True)
    assert admin.account_id in raised.value.response["Error"]["Message"]
    with pytest.raises(member.client().exceptions.BadRequestException):
        member.client().delete_threat_intel_set(DetectorId=member_detector, ThreatIntelSetId=list_id)
    # Another account sees nothing of it.
    stranger = server.create_account()
    stranger_detector = stranger.client().create_detector(Enable=True)["DetectorId"]
    with pytest.raises(stranger.client().exceptions.BadRequestException):
        stranger.client().get_threat_intel_set(DetectorId=stranger_detector, ThreatIntelSetId=list_id)
