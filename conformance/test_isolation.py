"""The tenant-isolation matrix (issue 13): every route the server registers, called by six roles against the
OWNER's resources, each answer checked against what GuardDuty allows.

Roles:
- owner    an administrator account with a detector, tags, a filter, a list of each family, a publishing
           destination, findings (sample findings and one from its agent), an agent, and members;
- member   an Enabled member of the owner;
- stranger an unrelated account with its own detector;
- invitee  invited by the owner, never accepted;
- removed  was an Enabled member, then disassociated by the owner (Removed);
- revoked  a revoked access key of the owner itself.

The route table comes from `guardpost-admin routes`; a route without a row in ROWS fails
`test_every_route_has_an_isolation_row`, so a new operation cannot ship without saying who may call it.
Each row runs in its own test: the owner's state is snapshotted, every other role calls the route (and the row's
own-detector variants run), the snapshot must be unchanged, no answer to another role may carry the owner's
private values, and for detector-scoped routes the answer about the owner's detector must be the same as the
answer about a detector that does not exist (no existence oracle). Then the owner calls it."""
import json
import os
import re
import subprocess
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Optional
from urllib.parse import quote

import pytest
import requests

from conftest import BINARY, Account, Console, Server, send_raw, signed_out, start_moto

ROLES = ["owner", "member", "stranger", "invitee", "removed", "revoked"]
OTHERS = ["member", "stranger", "invitee", "removed"]
NOT_OWNED = "not owned by the current account"
GUARDDUTY_ERRORS = {"BadRequestException", "AccessDeniedException", "ResourceNotFoundException"}
LIST_KINDS = {  # path component: (id key in answers, list key)
    "ipset": ("ipSetId", "ipSetIds"),
    "threatintelset": ("threatIntelSetId", "threatIntelSetIds"),
    "threatentityset": ("threatEntitySetId", "threatEntitySetIds"),
    "trustedentityset": ("trustedEntitySetId", "trustedEntitySetIds"),
}
SAMPLE_TYPES = ["Recon:EC2/Portscan", "Backdoor:EC2/Spambot", "Policy:IAMUser/RootCredentialUsage"]


def normalise_template(path):
    """Route paths compared without parameter names: `/detector/:detectorId/filter/:filterName` → `/detector/{}/filter/{}`."""
    segments = []
    for segment in path.strip().split("/"):
        if not segment:
            continue
        if segment.startswith(":") or (segment.startswith("{") and segment.endswith("}")) or segment in ("*", "**"):
            segment = "{}"
        segments.append(segment)
    return "/" + "/".join(segments)


# --- the world ----------------------------------------------------------------------------------

def finding(account_id, detector_id, finding_id, updated="2026-11-20T10:00:00.000Z", description="SSH brute force"):
    return {
        "accountId": account_id, "arn": f"arn:aws:guardduty:us-east-1:{account_id}:detector/{detector_id}/finding/{finding_id}",
        "createdAt": "2026-11-20T09:00:00.000Z", "description": description, "id": finding_id, "partition": "aws", "region": "us-east-1",
        "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-0abc"}}, "schemaVersion": "2.0",
        "service": {
            "action": {"actionType": "NETWORK_CONNECTION", "networkConnectionAction": {
                "blocked": False, "connectionDirection": "INBOUND", "protocol": "TCP",
                "localPortDetails": {"port": 22, "portName": "SSH"}, "remoteIpDetails": {"ipAddressV4": "203.0.113.9"}}},
            "archived": False, "count": 1, "detectorId": detector_id, "eventFirstSeen": "2026-11-20T09:00:00.000Z",
            "eventLastSeen": updated, "resourceRole": "TARGET", "serviceName": "guardduty"},
        "severity": 2, "title": "SSH brute force", "type": "UnauthorizedAccess:EC2/SSHBruteForce", "updatedAt": updated,
    }


def heartbeat(detector, agent, hostname="host"):
    return {"agentId": agent, "detectorId": detector, "hostname": hostname, "version": "0.4.0", "configVersion": 1,
            "sources": [{"dataSource": "FLOW_LOGS", "path": "/logs", "records": 1, "errors": 0, "recordsSinceLast": 1, "bytesSinceLast": 10}]}


class World:
    """The accounts, the owner's resources, the secrets that must not leak, and a way to call as each role."""

    def __init__(self, server, lists_dir, moto_s3):
        self.server = server
        self.tag = uuid.uuid4().hex[:10]
        t = self.tag
        self.management = server.create_account(management=True)
        owner, member, stranger, invitee, removed = (server.create_account() for _ in range(5))
        self.accounts = {"owner": owner, "member": member, "stranger": stranger, "invitee": invitee, "removed": removed}
        self.detectors = {role: account.client().create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")["DetectorId"]
                          for role, account in self.accounts.items()}
        self.D = self.detectors["owner"]
        self.fake_detector = uuid.uuid4().hex
        gd = owner.client()

        # Members: member and removed accept; the owner then disassociates removed; invitee never answers.
        self.member_emails = {role: f"{role}-{t}@example.com" for role in ("member", "invitee", "removed")}
        gd.create_members(DetectorId=self.D, AccountDetails=[{"AccountId": self.accounts[r].account_id, "Email": e} for r, e in self.member_emails.items()])
        gd.invite_members(DetectorId=self.D, AccountIds=[self.accounts[r].account_id for r in self.member_emails])
        self.invitations = {}
        for role in ("member", "removed"):
            client = self.accounts[role].client()
            invitation = [i for i in client.list_invitations()["Invitations"] if i["AccountId"] == owner.account_id][0]["InvitationId"]
            client.accept_administrator_invitation(DetectorId=self.detectors[role], AdministratorId=owner.account_id, InvitationId=invitation)
            self.invitations[role] = invitation
        gd.disassociate_members(DetectorId=self.D, AccountIds=[removed.account_id])
        self.invitation_id = [i for i in invitee.client().list_invitations()["Invitations"] if i["AccountId"] == owner.account_id][0]["InvitationId"]

        # The owner's resources, with values only the owner (and, for lists, its Enabled member) may ever see.
        self.arn = f"arn:aws:guardduty:us-east-1:{owner.account_id}:detector/{self.D}"
        self.tag_value = f"owner-tag-{t}"
        gd.tag_resource(ResourceArn=self.arn, Tags={"owner": self.tag_value})
        self.filter_name = f"owner-filter-{t}"
        self.filter_description = f"owner-filter-description-{t}"
        gd.create_filter(DetectorId=self.D, Name=self.filter_name, Description=self.filter_description, Action="NOOP", Rank=1,
                         FindingCriteria={"Criterion": {"severity": {"Gte": 1}}})
        self.lists = {}
        self.list_names = {}
        for kind in LIST_KINDS:
            path = os.path.join(lists_dir, f"owner-file-{t}-{kind}.txt")
            with open(path, "w") as f:
                f.write("198.51.100.23\n203.0.113.0/28\n" if "entity" not in kind else "198.51.100.23\nowner-domain-{t}.example\n")
            self.list_names[kind] = f"owner-list-{t}-{kind}"
            create = {"ipset": gd.create_ip_set, "threatintelset": gd.create_threat_intel_set,
                      "threatentityset": gd.create_threat_entity_set, "trustedentityset": gd.create_trusted_entity_set}[kind]
            answer = create(DetectorId=self.D, Name=self.list_names[kind], Format="TXT", Location=f"file://{path}", Activate=True)
            self.lists[kind] = [v for k, v in answer.items() if k.endswith("Id")][0]
        self.list_file_token = f"owner-file-{t}"
        self.bucket = f"owner-export-{t}"
        moto_s3.create_bucket(Bucket=self.bucket)
        server.s3_allow(owner.account_id, self.bucket, check=False)
        self.destination = gd.create_publishing_destination(
            DetectorId=self.D, DestinationType="S3",
            DestinationProperties={"DestinationArn": f"arn:aws:s3:::{self.bucket}/guardduty/", "KmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/x"},
        )["DestinationId"]
        gd.create_sample_findings(DetectorId=self.D, FindingTypes=SAMPLE_TYPES)
        self.findings = gd.list_findings(DetectorId=self.D, FindingCriteria={"Criterion": {"accountId": {"Eq": [owner.account_id]}}})["FindingIds"]
        assert len(self.findings) >= len(SAMPLE_TYPES)
        # The owner's agent: a heartbeat and a finding through the agent channel.
        self.agent = f"owner-agent-{t}"
        self.hostname = f"owner-host-{t}"
        self._post(owner, "/agent/v1/heartbeat", heartbeat(self.D, self.agent, self.hostname))
        self.agent_finding = f"owner-agent-finding-{t}"
        self.finding_description = f"owner-finding-description-{t}"
        self._post(owner, "/agent/v1/findings", {"detectorId": self.D, "findings": [
            finding(owner.account_id, self.D, self.agent_finding, description=self.finding_description)]})
        self.findings.append(self.agent_finding)
        # The member's own finding, which its administrator sees.
        self.member_finding = f"member-finding-{t}"
        self._post(member, "/agent/v1/findings", {"detectorId": self.detectors["member"],
                                                  "findings": [finding(member.account_id, self.detectors["member"], self.member_finding)]})
        # Lists active, and the content hash of one in force.
        deadline = time.time() + 60
        for kind, list_id in self.lists.items():
            while self._get(owner, f"/detector/{self.D}/{kind}/{list_id}")["status"] != "ACTIVE" and time.time() < deadline:
                time.sleep(0.25)
        config = send_raw(owner, "GET", f"/agent/v1/config?detectorId={self.D}").json()
        self.sha = config["lists"][0]["sha256"]

        # The revoked key: a second key of the owner, revoked.
        second = json.loads(server.cli("accounts", "create-key", "--account-id", owner.account_id).stdout)
        server.cli("accounts", "revoke-key", "--access-key-id", second["accessKeyId"])
        self.accounts["revoked"] = Account(server, second)
        self.detectors["revoked"] = self.D

        # What no other role may ever be shown (ids are left out: requests carry them, so errors may echo them).
        self.secrets = {"tag value": self.tag_value, "filter description": self.filter_description, "agent hostname": self.hostname,
                        "finding description": self.finding_description,
                        **{f"{role}'s member email": email for role, email in self.member_emails.items()},
                        "destination bucket": self.bucket, "list file": self.list_file_token,
                        **{f"list name {k}": v for k, v in self.list_names.items()}}
        self.member_may_see = {"list file", *(f"list name {k}" for k in LIST_KINDS)}

    @staticmethod
    def _get(account, path):
        answer = send_raw(account, "GET", path)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    @staticmethod
    def _post(account, path, body):
        answer = send_raw(account, "POST", path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text}"
        return answer

    def call(self, role, method, target, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        return send_raw(self.accounts[role], method, target, body=data, headers=headers)

    def snapshot(self):
        """The owner's state as the owner sees it (publishing status and timestamps left out: the exporter moves them)."""
        gd = self.accounts["owner"].client()
        detector = gd.get_detector(DetectorId=self.D)
        state = {
            "detector": {k: detector.get(k) for k in ("Status", "FindingPublishingFrequency", "Features", "DataSources", "Tags")},
            "tags": gd.list_tags_for_resource(ResourceArn=self.arn)["Tags"],
            "filters": {name: {k: v for k, v in gd.get_filter(DetectorId=self.D, FilterName=name).items() if k != "ResponseMetadata"}
                        for name in gd.list_filters(DetectorId=self.D)["FilterNames"]},
            "members": sorted((m["AccountId"], m["RelationshipStatus"]) for m in gd.list_members(DetectorId=self.D, OnlyAssociated="false")["Members"]),
            "destinations": {d["DestinationId"]: gd.describe_publishing_destination(DetectorId=self.D, DestinationId=d["DestinationId"])["DestinationProperties"]
                             for d in gd.list_publishing_destinations(DetectorId=self.D)["Destinations"]},
            "findings": sorted((f["Id"], f["Service"]["Archived"], f["Service"].get("UserFeedback"), f["Service"]["Count"], f["AccountId"])
                               for f in gd.get_findings(DetectorId=self.D, FindingIds=self.findings + [self.member_finding])["Findings"]),
            # Findings that other roles try to plant in the owner's name must never exist.
            "planted": sorted(f["Id"] for f in gd.get_findings(DetectorId=self.D, FindingIds=[
                f"forged-{r}-{self.tag}" for r in ROLES] + [f"forged-own-{r}-{self.tag}" for r in ROLES])["Findings"]),
            "coverage": sorted((r["ResourceId"], r["AccountId"], r["ResourceDetails"]["Ec2InstanceDetails"]["InstanceId"])
                               for r in gd.list_coverage(DetectorId=self.D)["Resources"]),
            "org admins": self.management.client().list_organization_admin_accounts()["AdminAccounts"],
            "member detector": {k: v for k, v in self.accounts["member"].client().get_detector(DetectorId=self.detectors["member"]).items()
                                if k in ("FindingPublishingFrequency", "Features", "Status")},
            "member administrator": self.accounts["member"].client().get_administrator_account(DetectorId=self.detectors["member"]).get("Administrator"),
            "invitee invitations": sorted(i["AccountId"] for i in self.accounts["invitee"].client().list_invitations()["Invitations"]),
        }
        for kind, (id_key, list_key) in LIST_KINDS.items():
            path = f"/detector/{self.D}/{kind}"
            ids = self.call("owner", "GET", path).json()[list_key]
            state[kind] = {i: {k: v for k, v in self.call("owner", "GET", f"{path}/{i}").json().items() if k in ("name", "location", "status", "format", "tags")}
                           for i in ids}
        return state


@pytest.fixture(scope="module")
def moto():
    process, endpoint, s3 = start_moto("AKIAMOTOISOLATION000")
    yield endpoint, s3
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def world(lists_dir, moto):
    endpoint, s3 = moto
    server = Server("isolation", extra_args=["--lists-dir", lists_dir, "--s3-endpoint-url", endpoint])
    server.env["AWS_ACCESS_KEY_ID"] = "AKIAMOTOISOLATION000"
    server.env["AWS_SECRET_ACCESS_KEY"] = "moto"
    server.start()
    try:
        yield World(server, lists_dir, s3)
    finally:
        server.stop()


# --- expectations ---------------------------------------------------------------------------------

def message(response):
    try:
        return response.json().get("message", "")
    except ValueError:
        return ""


def describe(response):
    return f"{response.status_code} {response.headers.get('x-amzn-errortype', '')} {response.text[:300]}"


def expect_ok(statuses=(200, 204)):
    def check(w, role, response):
        assert response.status_code in statuses, f"expected {statuses}, got {describe(response)}"
    check.__doc__ = f"succeeds ({'/'.join(map(str, statuses))})"
    return check


def expect_not_access_error(w, role, response):
    """succeeds, or a validation answer that is not an access error"""
    assert response.status_code < 500, describe(response)
    assert response.status_code != 403, describe(response)
    assert NOT_OWNED not in message(response), describe(response)


def expect_not_owned(w, role, response):
    """400 BadRequestException: the detector is not owned by the current account"""
    assert response.status_code == 400 and response.headers.get("x-amzn-errortype") == "BadRequestException", describe(response)
    assert NOT_OWNED in message(response), describe(response)


def expect_refused(w, role, response):
    """a GuardDuty error (400 BadRequest, 403 AccessDenied or 404 ResourceNotFound)"""
    assert response.status_code in (400, 403, 404), describe(response)
    assert response.headers.get("x-amzn-errortype") in GUARDDUTY_ERRORS, describe(response)


def expect_unrecognized(w, role, response):
    """403 UnrecognizedClientException (the key is revoked)"""
    assert response.status_code == 403 and response.headers.get("x-amzn-errortype") == "UnrecognizedClientException", describe(response)


def expect_status(*statuses):
    def check(w, role, response):
        assert response.status_code in statuses, f"expected {statuses}, got {describe(response)}"
    check.__doc__ = f"answers {'/'.join(map(str, statuses))}"
    return check


@dataclass
class Call:
    method: str
    target: str
    body: Optional[dict] = None


@dataclass
class Variant:
    """An extra call of one role, usually against its OWN detector with the owner's ids."""
    role: str
    build: Callable[["World"], Call]
    check: Callable
    may_see: frozenset = frozenset()  # secrets this answer may carry


@dataclass
class Row:
    method: str
    path: str                         # with {D} for the owner's detector and {X} for a sub-resource
    rule: str
    body: Callable = None             # (world, role) -> dict or None
    sub: Callable = None              # (world) -> the sub-resource value for {X}
    query: str = ""
    owner: Callable = expect_ok()
    others: Callable = expect_not_owned
    revoked: Callable = expect_unrecognized
    owner_call: Callable = None       # (world) -> Call, when the owner must not call it like the others (destructive)
    variants: Callable = None         # (world) -> [Variant]
    signed: bool = True               # False: console and public routes, checked by `custom`
    custom: Callable = None           # (world) -> None: the whole row's check, for routes that are not SigV4

    @property
    def template(self):
        return normalise_template(re.sub(r"\{[A-Z]\}", "{}", self.path.split("?")[0]))

    @property
    def id(self):
        return f"{self.method} {self.path}"

    def call(self, w, role, detector=None, sub=None):
        target = self.path.format(D=detector or w.D, X=quote(sub if sub is not None else (self.sub(w) if self.sub else ""), safe=""))
        if self.query:
            target += "?" + self.query.format(D=detector or w.D)
        return Call(self.method, target, self.body(w, role) if self.body else None)


# --- the rows ---------------------------------------------------------------------------------------

def acct(w, role):
    return w.accounts[role].account_id


def own(role, build, check, may_see=frozenset()):
    return Variant(role, build, check, frozenset(may_see))


def own_detector_call(method, path_tail, body=None, query=""):
    """A call of a role against its own detector: path_tail is formatted with the world (w) and the role's detector (D)."""
    def make(role):
        def build(w):
            target = f"/detector/{w.detectors[role]}" + path_tail.format(w=w, q=quote)
            if query:
                target += "?" + query
            return Call(method, target, body(w, role) if callable(body) else body)
        return build
    return make


def no_findings_of_the_owner(w, role, response):
    """200, and none of the owner's findings"""
    assert response.status_code == 200, describe(response)
    assert not set(w.findings) & {f.get("id") for f in response.json().get("findings", [])}, response.text[:500]


def lists_rows():
    rows = []
    for kind, (id_key, list_key) in LIST_KINDS.items():
        def sub(w, kind=kind):
            return w.lists[kind]

        def create_body(w, role, kind=kind):
            return {"name": f"{role}-{kind}-new", "format": "TXT", "location": f"file:///nonexistent/{role}.txt", "activate": False}

        def update_body(w, role):
            return {"name": f"pwned-by-{role}", "activate": False}

        def member_reads(kind=kind, id_key=id_key):
            def check(w, role, response):
                """200 with the administrator's list (members see their administrator's lists)"""
                assert response.status_code == 200, describe(response)
                assert response.json().get("name") == w.list_names[kind], response.text[:300]
            return check

        def member_lists(kind=kind, list_key=list_key):
            def check(w, role, response):
                """200 listing the administrator's list"""
                assert response.status_code == 200 and w.lists[kind] in response.json()[list_key], describe(response)
            return check

        def stranger_lists(kind=kind, list_key=list_key):
            def check(w, role, response):
                """200 without the owner's list"""
                assert response.status_code == 200 and w.lists[kind] not in response.json()[list_key], describe(response)
            return check

        base = f"/detector/{{D}}/{kind}"
        rows += [
            Row("POST", base, f"Create{kind}: only on the caller's own detector; members cannot create lists.", body=create_body,
                owner=expect_not_access_error,
                variants=lambda w, kind=kind, create_body=create_body: [
                    own("member", own_detector_call("POST", f"/{kind}", create_body)("member"), expect_refused)]),
            Row("GET", base, f"List{kind}: the caller's lists; an Enabled member sees its administrator's.",
                variants=lambda w, kind=kind, member_lists=member_lists, stranger_lists=stranger_lists: [
                    own("member", own_detector_call("GET", f"/{kind}")("member"), member_lists(), ()),
                    *(own(r, own_detector_call("GET", f"/{kind}")(r), stranger_lists()) for r in ("stranger", "invitee", "removed"))]),
            Row("GET", base + "/{X}", f"Get{kind}: the owner; an Enabled member through its own detector; nobody else.", sub=sub,
                variants=lambda w, kind=kind, member_reads=member_reads: [
                    own("member", own_detector_call("GET", f"/{kind}/" + w.lists[kind])("member"), member_reads(), {"list file", f"list name {kind}"}),
                    *(own(r, own_detector_call("GET", f"/{kind}/{w.lists[kind]}")(r), expect_refused) for r in ("stranger", "invitee", "removed"))]),
            Row("POST", base + "/{X}", f"Update{kind}: the owner only; members cannot change their administrator's lists.", sub=sub, body=update_body,
                owner_call=lambda w, kind=kind: Call("POST", f"/detector/{w.D}/{kind}/{w.lists[kind]}", {"name": w.list_names[kind]}),
                variants=lambda w, kind=kind: [
                    own(r, own_detector_call("POST", f"/{kind}/{w.lists[kind]}", {"name": f"pwned-by-{r}", "activate": False})(r), expect_refused)
                    for r in OTHERS]),
            Row("DELETE", base + "/{X}", f"Delete{kind}: the owner only.", sub=sub,
                owner_call=lambda w, kind=kind: Call("DELETE", f"/detector/{w.D}/{kind}/{uuid.uuid4().hex}"),
                owner=expect_not_access_error,
                variants=lambda w, kind=kind: [own(r, own_detector_call("DELETE", f"/{kind}/{w.lists[kind]}")(r), expect_refused) for r in OTHERS]),
        ]
    return rows


def destination_rows():
    base = "/detector/{D}/publishingDestination"
    sub = lambda w: w.destination
    moved = lambda w, role: {"destinationProperties": {"destinationArn": f"arn:aws:s3:::{role}-bucket-{w.tag}/x/"}}
    return [
        Row("POST", base, "CreatePublishingDestination: on the caller's own detector only.",
            body=lambda w, role: {"destinationType": "S3", "destinationProperties": {"destinationArn": f"arn:aws:s3:::{role}-bucket-{w.tag}/"}},
            owner=expect_not_access_error),
        Row("GET", base, "ListPublishingDestinations: the caller's own.",
            variants=lambda w: [own(r, own_detector_call("GET", "/publishingDestination")(r), expect_status(200)) for r in OTHERS]),
        Row("GET", base + "/{X}", "DescribePublishingDestination: the owner only.", sub=sub,
            variants=lambda w: [own(r, own_detector_call("GET", f"/publishingDestination/{w.destination}")(r), expect_refused) for r in OTHERS]),
        Row("POST", base + "/{X}", "UpdatePublishingDestination: the owner only.", sub=sub, body=moved,
            owner_call=lambda w: Call("POST", f"/detector/{w.D}/publishingDestination/{w.destination}",
                                      {"destinationProperties": {"destinationArn": f"arn:aws:s3:::{w.bucket}/guardduty/",
                                                                 "kmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/x"}}),
            variants=lambda w: [own(r, own_detector_call("POST", f"/publishingDestination/{w.destination}", moved)(r), expect_refused) for r in OTHERS]),
        Row("DELETE", base + "/{X}", "DeletePublishingDestination: the owner only.", sub=sub,
            owner_call=lambda w: Call("DELETE", f"/detector/{w.D}/publishingDestination/{uuid.uuid4().hex}"), owner=expect_not_access_error,
            variants=lambda w: [own(r, own_detector_call("DELETE", f"/publishingDestination/{w.destination}")(r), expect_refused) for r in OTHERS]),
    ]


def member_rows():
    """The administrator's member operations: others aim them at the owner's real members."""
    rows = []
    target = lambda w, role: {"accountIds": [acct(w, "member")]}
    stranger_ids = lambda w: {"accountIds": [acct(w, "stranger")]}
    for action, rule in (("invite", "InviteMembers"), ("get", "GetMembers"), ("detector/get", "GetMemberDetectors"),
                         ("disassociate", "DisassociateMembers"), ("delete", "DeleteMembers"), ("start", "StartMonitoringMembers"),
                         ("stop", "StopMonitoringMembers")):
        safe = action in ("get", "detector/get")
        variants = None
        if safe:
            # Through its own detector no role reads the owner's members (or the owner) as if they were its own.
            variants = lambda w, action=action: [
                own(r, own_detector_call("POST", f"/member/{action}", {"accountIds": [acct(w, "member"), acct(w, "owner")]})(r), none_of_them)
                for r in OTHERS]
        rows.append(Row("POST", f"/detector/{{D}}/member/{action}", f"{rule}: the administrator's own detector only.", body=target,
                        owner_call=None if safe else (lambda w, action=action: Call("POST", f"/detector/{w.D}/member/{action}", stranger_ids(w))),
                        variants=variants))
    rows += [
        Row("POST", "/detector/{D}/member", "CreateMembers: the administrator's own detector only.",
            body=lambda w, role: {"accountDetails": [{"accountId": acct(w, "member"), "email": "x@example.com"}]}),
        Row("GET", "/detector/{D}/member", "ListMembers: the administrator's own detector only.", query="onlyAssociated=false"),
        Row("POST", "/detector/{D}/member/detector/update", "UpdateMemberDetectors: the administrator's own detector only.",
            body=lambda w, role: {"accountIds": [acct(w, "member")], "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]},
            owner_call=lambda w: Call("POST", f"/detector/{w.D}/member/detector/update",
                                      {"accountIds": [acct(w, "stranger")], "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]})),
    ]
    return rows


def none_of_them(w, role, response):
    """200 with every asked account unprocessed: no member record, no detector configuration"""
    assert response.status_code == 200, describe(response)
    body = response.json()
    assert not body.get("members") and not body.get("memberDataSourceConfigurations"), response.text[:500]


def administrator_rows():
    """The member's side, on a detector: accepting, reading and leaving an administrator."""
    def administrator_is_owner(w, role, response):
        """200 naming the owner as Enabled administrator"""
        assert response.status_code == 200, describe(response)
        body = response.json()
        relation = body.get("administrator") or body.get("master")
        assert relation and relation["accountId"] == acct(w, "owner") and relation["relationshipStatus"] == "Enabled", response.text

    def no_administrator(w, role, response):
        """200 without an Enabled administrator"""
        assert response.status_code == 200, describe(response)
        relation = (response.json() if response.content.strip() else {}).get("administrator") or {}
        assert relation.get("relationshipStatus") != "Enabled", response.text

    accept = lambda w, role: {"administratorId": acct(w, "owner"), "invitationId": w.invitation_id}
    master_accept = lambda w, role: {"masterId": acct(w, "owner"), "invitationId": w.invitation_id}

    def taking(key, tail):
        """Another account takes the invitee's invitation; a removed member re-uses its old one (both on their own detectors)."""
        return lambda w: [
            own("stranger", own_detector_call("POST", tail, {key: acct(w, "owner"), "invitationId": w.invitation_id})("stranger"), expect_refused),
            own("removed", own_detector_call("POST", tail, {key: acct(w, "owner"), "invitationId": w.invitations["removed"]})("removed"), expect_refused),
            own("removed", own_detector_call("POST", tail, {key: acct(w, "owner"), "invitationId": w.invitation_id})("removed"), expect_refused),
        ]

    rows = [
        Row("POST", "/detector/{D}/administrator", "AcceptAdministratorInvitation: on the caller's own detector, for its own invitation "
            "(not another account's; a removed member needs a new one).", body=accept, owner=expect_not_access_error,
            variants=taking("administratorId", "/administrator")),
        Row("POST", "/detector/{D}/master", "AcceptInvitation (legacy): as AcceptAdministratorInvitation.", body=master_accept, owner=expect_not_access_error,
            variants=taking("masterId", "/master")),
        Row("GET", "/detector/{D}/administrator", "GetAdministratorAccount: the caller's own detector; an Enabled member sees the owner.",
            variants=lambda w: [own("member", own_detector_call("GET", "/administrator")("member"), administrator_is_owner),
                                own("stranger", own_detector_call("GET", "/administrator")("stranger"), no_administrator)]),
        Row("GET", "/detector/{D}/master", "GetMasterAccount (legacy): as GetAdministratorAccount.",
            variants=lambda w: [own("member", own_detector_call("GET", "/master")("member"), expect_status(200))]),
        Row("POST", "/detector/{D}/administrator/disassociate", "DisassociateFromAdministratorAccount: the caller's own detector only.",
            owner=expect_not_access_error),
        Row("POST", "/detector/{D}/master/disassociate", "DisassociateFromMasterAccount (legacy): the caller's own detector only.",
            owner=expect_not_access_error),
    ]
    return rows


def invitation_rows():
    """Caller-scoped: every role acts on its own invitations (aimed at an account that never invited it)."""
    def only_own(w, role, response):
        """200 listing only invitations addressed to the caller"""
        assert response.status_code == 200, describe(response)
        inviters = {i["accountId"] for i in response.json().get("invitations", [])}
        if role in ("stranger",):
            assert acct(w, "owner") not in inviters, response.text
    unrelated = lambda w, role: {"accountIds": [acct(w, "stranger") if role != "stranger" else w.management.account_id]}
    return [
        Row("GET", "/invitation", "ListInvitations: the caller's own invitations.", others=only_own),
        Row("GET", "/invitation/count", "GetInvitationsCount: the caller's own.", others=expect_status(200)),
        Row("POST", "/invitation/decline", "DeclineInvitations: the caller's own invitations only.", body=unrelated, others=expect_status(200)),
        Row("POST", "/invitation/delete", "DeleteInvitations: the caller's own invitations only.", body=unrelated, others=expect_status(200)),
    ]


def organisation_rows():
    management_only = expect_refused
    return [
        Row("POST", "/admin/enable", "EnableOrganizationAdminAccount: the organisation's management account only (no role here is).",
            body=lambda w, role: {"adminAccountId": acct(w, "owner" if role != "owner" else "stranger")}, owner=management_only, others=management_only),
        Row("POST", "/admin/disable", "DisableOrganizationAdminAccount: the management account only.",
            body=lambda w, role: {"adminAccountId": acct(w, "owner")}, owner=management_only, others=management_only),
        Row("GET", "/admin", "ListOrganizationAdminAccounts: the management account only.", owner=management_only, others=management_only),
        Row("POST", "/detector/{D}/admin", "UpdateOrganizationConfiguration: the delegated administrator's own detector only (the owner is not one).",
            body=lambda w, role: {"autoEnableOrganizationMembers": "ALL"}, owner=expect_not_access_error),
        Row("GET", "/detector/{D}/admin", "DescribeOrganizationConfiguration: the delegated administrator's own detector only.",
            owner=expect_not_access_error),
        Row("GET", "/organization/statistics", "GetOrganizationStatistics: the delegated administrator only (no role here is).",
            owner=expect_refused, others=expect_refused),
    ]


def findings_rows():
    ids = lambda w, role: {"findingIds": w.findings[:2]}
    scratch = {}

    def scratch_ids(w):
        if "ids" not in scratch:
            gd = w.accounts["owner"].client()
            gd.create_sample_findings(DetectorId=w.D, FindingTypes=["Impact:EC2/PortSweep"])
            found = gd.list_findings(DetectorId=w.D, FindingCriteria={"Criterion": {"type": {"Eq": ["Impact:EC2/PortSweep"]}}})["FindingIds"]
            scratch["ids"] = found
        return scratch["ids"]

    own_get = lambda r: own(r, own_detector_call("POST", "/findings/get", lambda w, role: {"findingIds": w.findings})(r), no_findings_of_the_owner)

    def owner_token(w):
        answer = w.call("owner", "POST", f"/detector/{w.D}/findings", {"maxResults": 1})
        return answer.json()["nextToken"]

    def replayed_token(r):
        """The owner's nextToken replayed through another role's own detector."""
        return own(r, lambda w: Call("POST", f"/detector/{w.detectors[r]}/findings", {"maxResults": 50, "nextToken": owner_token(w)}),
                   no_ids_of_the_owner_or_refused)
    own_list = lambda r: own(r, own_detector_call("POST", "/findings", {})(r), no_ids_of_the_owner)
    own_change = lambda r, tail, body: own(r, own_detector_call("POST", tail, body)(r), expect_not_5xx)
    return [
        Row("POST", "/detector/{D}/findings", "ListFindings: the caller's findings (an administrator's include its Enabled members').", body=lambda w, r: {},
            variants=lambda w: [own_list(r) for r in OTHERS] + [replayed_token(r) for r in OTHERS]),
        Row("POST", "/detector/{D}/findings/get", "GetFindings: the owner's findings to the owner only.", body=ids,
            variants=lambda w: [own_get(r) for r in OTHERS]),
        Row("POST", "/detector/{D}/findings/statistics", "GetFindingsStatistics: the caller's findings.",
            body=lambda w, r: {"findingStatisticTypes": ["COUNT_BY_SEVERITY"]},
            variants=lambda w: [own(r, own_detector_call("POST", "/findings/statistics", {"groupBy": "ACCOUNT"})(r), no_owner_account) for r in OTHERS]),
        Row("POST", "/detector/{D}/findings/feedback", "UpdateFindingsFeedback: the owner's findings by the owner only.",
            body=lambda w, r: {"findingIds": w.findings[:2], "feedback": "NOT_USEFUL"},
            owner_call=lambda w: Call("POST", f"/detector/{w.D}/findings/feedback", {"findingIds": scratch_ids(w), "feedback": "USEFUL"}),
            variants=lambda w: [own_change(r, "/findings/feedback", {"findingIds": w.findings[:2], "feedback": "NOT_USEFUL"}) for r in OTHERS]),
        Row("POST", "/detector/{D}/findings/create", "CreateSampleFindings: on the caller's own detector only.",
            body=lambda w, r: {"findingTypes": ["Recon:EC2/Portscan"]}),
        Row("POST", "/detector/{D}/findings/archive", "ArchiveFindings: the owner's findings by the owner only.", body=ids,
            owner_call=lambda w: Call("POST", f"/detector/{w.D}/findings/archive", {"findingIds": scratch_ids(w)}),
            variants=lambda w: [own_change(r, "/findings/archive", {"findingIds": w.findings[:2]}) for r in OTHERS]),
        Row("POST", "/detector/{D}/findings/unarchive", "UnarchiveFindings: the owner's findings by the owner only.", body=ids,
            owner_call=lambda w: Call("POST", f"/detector/{w.D}/findings/unarchive", {"findingIds": scratch_ids(w)}),
            variants=lambda w: [own_change(r, "/findings/unarchive", {"findingIds": w.findings[:2]}) for r in OTHERS]),
    ]


def no_ids_of_the_owner(w, role, response):
    """200 without the owner's finding ids"""
    assert response.status_code == 200, describe(response)
    assert not set(w.findings) & set(response.json().get("findingIds", [])), response.text[:500]


def no_owner_account(w, role, response):
    """200 without the owner's account in it"""
    assert response.status_code == 200, describe(response)
    assert acct(w, "owner") not in response.text, response.text[:500]


def no_ids_of_the_owner_or_refused(w, role, response):
    """200 without the owner's finding ids, or a 400"""
    if response.status_code == 400:
        return
    no_ids_of_the_owner(w, role, response)


def expect_not_5xx(w, role, response):
    """an answer about the caller's own detector (the owner's state is checked unchanged)"""
    assert response.status_code < 500, describe(response)


def filter_rows():
    sub = lambda w: w.filter_name
    new_filter = lambda w, role: {"name": f"{role}-filter-{w.tag}", "action": "ARCHIVE", "findingCriteria": {"criterion": {"severity": {"gte": 1}}}}
    scratch = {}

    def scratch_filter(w):
        name = f"scratch-{uuid.uuid4().hex[:8]}"
        w.accounts["owner"].client().create_filter(DetectorId=w.D, Name=name, Action="NOOP", FindingCriteria={"Criterion": {"severity": {"Gte": 9}}})
        return name

    return [
        Row("POST", "/detector/{D}/filter", "CreateFilter: on the caller's own detector only.", body=new_filter,
            owner_call=lambda w: Call("POST", f"/detector/{w.D}/filter", {"name": f"owner-new-{uuid.uuid4().hex[:8]}", "action": "NOOP",
                                                                            "findingCriteria": {"criterion": {"severity": {"gte": 9}}}})),
        Row("GET", "/detector/{D}/filter", "ListFilters: the caller's own.",
            variants=lambda w: [own(r, own_detector_call("GET", "/filter")(r), lambda w, role, response: (
                expect_status(200)(w, role, response), _no(w.filter_name, response))) for r in ("stranger", "invitee", "removed")]),
        Row("GET", "/detector/{D}/filter/{X}", "GetFilter: the owner only.", sub=sub,
            variants=lambda w: [own(r, own_detector_call("GET", f"/filter/{w.filter_name}")(r), expect_refused) for r in ("stranger", "invitee", "removed")]),
        Row("POST", "/detector/{D}/filter/{X}", "UpdateFilter: the owner only.", sub=sub,
            body=lambda w, role: {"description": f"pwned-by-{role}", "action": "ARCHIVE"},
            owner_call=lambda w: Call("POST", f"/detector/{w.D}/filter/{w.filter_name}", {"description": w.filter_description}),
            variants=lambda w: [own(r, own_detector_call("POST", f"/filter/{w.filter_name}", {"description": "pwned", "action": "ARCHIVE"})(r), expect_refused)
                                for r in ("stranger", "invitee", "removed")]),
        Row("DELETE", "/detector/{D}/filter/{X}", "DeleteFilter: the owner only.", sub=sub,
            owner_call=lambda w: Call("DELETE", f"/detector/{w.D}/filter/{scratch_filter(w)}"),
            variants=lambda w: [own(r, own_detector_call("DELETE", f"/filter/{w.filter_name}")(r), expect_refused) for r in ("stranger", "invitee", "removed")]),
    ]


def _no(value, response):
    assert value not in response.text, response.text[:300]


def detector_rows():
    def only_own_detector(w, role, response):
        """200 listing the caller's own detector only"""
        assert response.status_code == 200, describe(response)
        assert response.json()["detectorIds"] == [w.detectors[role]], response.text

    def already_has_one(w, role, response):
        """400: the caller already has a detector (an account acts on its own)"""
        assert response.status_code == 400 and response.headers.get("x-amzn-errortype") == "BadRequestException", describe(response)

    tag_fake = lambda w: w.arn.replace(w.D, w.fake_detector)
    return [
        Row("POST", "/detector", "CreateDetector: the caller's own account; every role here already has one.",
            body=lambda w, role: {"enable": True}, owner=already_has_one, others=already_has_one),
        Row("GET", "/detector", "ListDetectors: the caller's own detector only.", owner=only_own_detector, others=only_own_detector),
        Row("GET", "/detector/{D}", "GetDetector: the owner only."),
        Row("POST", "/detector/{D}", "UpdateDetector: the owner only.", body=lambda w, role: {"findingPublishingFrequency": "FIFTEEN_MINUTES"},
            owner_call=lambda w: Call("POST", f"/detector/{w.D}", {"findingPublishingFrequency": "SIX_HOURS"})),
        Row("DELETE", "/detector/{D}", "DeleteDetector: the owner only (not called by the owner here: it would take the fixtures; "
            "with members it is a 400 anyway).", owner_call=lambda w: None),
        Row("POST", "/tags/{X}", "TagResource: the owner's detector ARN by the owner only.", sub=lambda w: w.arn,
            body=lambda w, role: {"tags": {f"by-{role}": "x"}}, others=expect_refused, owner=expect_ok((204, 200))),
        Row("GET", "/tags/{X}", "ListTagsForResource: the owner only.", sub=lambda w: w.arn, others=expect_refused),
        Row("DELETE", "/tags/{X}", "UntagResource: the owner only.", sub=lambda w: w.arn, query="tagKeys=owner", others=expect_refused,
            owner_call=lambda w: Call("DELETE", f"/tags/{quote(w.arn, safe='')}?tagKeys=not-there"), owner=expect_ok((204, 200))),
        Row("POST", "/detector/{D}/coverage", "ListCoverage: the caller's (an administrator's include its members' agents).", body=lambda w, r: {},
            variants=lambda w: [own(r, own_detector_call("POST", "/coverage", {})(r), lambda w, role, response: (
                expect_status(200)(w, role, response), _no(w.agent, response))) for r in OTHERS]),
        Row("POST", "/detector/{D}/coverage/statistics", "GetCoverageStatistics: the caller's.",
            body=lambda w, r: {"statisticsType": ["COUNT_BY_COVERAGE_STATUS"]}),
        Row("POST", "/detector/{D}/usage/statistics", "GetUsageStatistics: the caller's (an administrator's include its members').",
            body=lambda w, r: {"usageStatisticsType": "SUM_BY_ACCOUNT", "usageCriteria": {"dataSources": ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS", "S3_LOGS"]}},
            variants=lambda w: [own(r, own_detector_call("POST", "/usage/statistics", {
                "usageStatisticsType": "SUM_BY_ACCOUNT", "usageCriteria": {"dataSources": ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS", "S3_LOGS"]}})(r),
                no_owner_account) for r in OTHERS]),
    ]


def agent_rows():
    def config_of(administrator):
        def check(w, role, response):
            assert response.status_code == 200, describe(response)
            config = response.json()
            if administrator:
                assert config["administratorId"] == acct(w, "owner") and w.sha in {l["sha256"] for l in config["lists"]}, response.text[:400]
            else:
                assert config.get("administratorId") in (None, acct(w, role)) and w.sha not in {l["sha256"] for l in config["lists"]}, response.text[:400]
        check.__doc__ = "200 with the owner's settings and lists" if administrator else "200 with its own settings, none of the owner's lists"
        return check

    def lists_rule(w, role, response):
        """an Enabled member may fetch its administrator's list content (200); others get 404"""
        if role == "member":
            assert response.status_code == 200 and response.content, describe(response)
        else:
            assert response.status_code == 404, describe(response)
            _no("198.51.100.23", response)

    def forged_finding(w, role):
        return {"detectorId": w.D, "findings": [finding(acct(w, "owner"), w.D, f"forged-{role}-{w.tag}")]}

    def forged_into_own(role):
        def build(w):
            return Call("POST", "/agent/v1/findings", {"detectorId": w.detectors[role],
                                                       "findings": [finding(acct(w, "owner"), w.D, f"forged-own-{role}-{w.tag}")]})
        return build

    def hijack(role):
        def build(w):
            return Call("POST", "/agent/v1/heartbeat", heartbeat(w.detectors[role], w.agent, f"hijacked-by-{role}"))
        return build

    def bad_request(w, role, response):
        """400 BadRequestException"""
        assert response.status_code == 400 and response.headers.get("x-amzn-errortype") == "BadRequestException", describe(response)

    return [
        Row("GET", "/agent/v1/config", "Agent config: the detector's own account only; an Enabled member's own detector carries its administrator's settings and lists.",
            query="detectorId={D}", others=expect_refused,
            variants=lambda w: [own("member", lambda w: Call("GET", f"/agent/v1/config?detectorId={w.detectors['member']}"), config_of(True),
                                    {"list file", *(f"list name {k}" for k in LIST_KINDS)}),
                                *(own(r, lambda w, r=r: Call("GET", f"/agent/v1/config?detectorId={w.detectors[r]}"), config_of(False))
                                  for r in ("stranger", "invitee", "removed"))]),
        Row("GET", "/agent/v1/lists/{X}", "Agent list content by sha256: the owner and its Enabled members only.", sub=lambda w: w.sha,
            others=lists_rule, revoked=expect_unrecognized),
        Row("POST", "/agent/v1/findings", "Agent findings: only the caller's own findings on its own detector.", body=forged_finding,
            others=bad_request,
            owner_call=lambda w: Call("POST", "/agent/v1/findings", {"detectorId": w.D, "findings": [finding(acct(w, "owner"), w.D, f"owner-more-{w.tag}")]}),
            variants=lambda w: [own(r, forged_into_own(r), bad_request) for r in OTHERS]),
        Row("POST", "/agent/v1/heartbeat", "Agent heartbeat: the caller's own detector; an agent id belongs to one account.",
            body=lambda w, role: heartbeat(w.D, f"agent-of-{role}-{w.tag}"), others=bad_request,
            variants=lambda w: [own(r, hijack(r), bad_request) for r in OTHERS]),
    ]


def unsigned_rows():
    """Routes that are not SigV4: /health is public; the console needs a console session."""
    def health(w):
        assert requests.get(w.server.endpoint + "/health", timeout=10).status_code == 200
        for role in ROLES:
            assert send_raw(w.accounts[role], "GET", "/health").status_code == 200

    def metrics(w):
        assert requests.get(w.server.endpoint + "/metrics", timeout=10).status_code == 404, "/metrics is served on the API port"

    def console_public_page(w):
        assert requests.get(w.server.endpoint + "/console/login", timeout=10).status_code == 200

    def console_login(w):
        revoked = w.accounts["revoked"]
        for key, secret in ((revoked.access_key_id, revoked.secret_access_key), (w.accounts["owner"].access_key_id, "wrong"),
                            ("AKIA" + "0" * 16, "x")):
            console = Console(w.server)
            answer = console.sign_in(key, secret)
            assert not console.token and answer.status_code not in (302, 303), answer.status_code

    def console_page(path):
        def check(w):
            # Without a session (signed or not, by any role) the page is not served.
            assert signed_out(requests.get(w.server.endpoint + path, allow_redirects=False, timeout=10))
            for role in ROLES:
                assert signed_out(send_raw(w.accounts[role], "GET", path)), f"{path} served to a SigV4 request of {role}"
            # Signed in as each role: the page shows nothing of the owner's but what the role may see.
            for role in OTHERS:
                console = w.consoles[role]
                # The findings page also takes a finding id (detail pane), an account and criteria: aim them at the owner.
                target = path if path != "/console/findings" else (
                    f"{path}?id={w.agent_finding}&account={acct(w, 'owner')}&criteria=" + quote(json.dumps({"id": {"equals": [w.agent_finding]}})))
                page = console.get(target)
                assert page.status_code in (200, 400, 403, 404), (role, path, page.status_code)
                allowed = w.member_may_see if role == "member" else set()
                leaked = [name for name, value in w.secrets.items() if name not in allowed and value in page.text]
                assert not leaked, f"{path} shows {role} the owner's {leaked}"
            if path == "/console/findings":
                # A control: the same page shows the owner its finding.
                page = w.consoles["owner"].get(f"{path}?id={w.agent_finding}")
                assert page.status_code == 200 and w.finding_description in page.text, "the owner's own finding detail is not shown (control)"
        return check

    def console_form(path, form, roles=tuple(OTHERS)):
        def check(w):
            # Without a session nothing is done (and SigV4 is no substitute for one).
            assert signed_out(requests.post(w.server.endpoint + path, data=form(w), allow_redirects=False, timeout=10))
            assert signed_out(send_raw(w.accounts["owner"], "POST", path, body=b"x=1", headers={"Content-Type": "application/x-www-form-urlencoded"}))
            # With a session but without the CSRF token nothing is done either.
            for role in roles:
                console = w.consoles[role]
                if path == "/console/logout":
                    console = Console(w.server)
                    console.sign_in(w.accounts[role].access_key_id, w.accounts[role].secret_access_key)
                refused = console.post(path, form(w), csrf="0" * 64)
                assert refused.status_code in (400, 403), f"{role}: a form without its CSRF token answered {refused.status_code}"
                # With both, the form acts on the session's own account (the owner's state is checked unchanged).
                console.post(path, form(w))
        return check

    lists_change = lambda w: {"kind": "THREAT_INTEL_SET", "id": w.lists["threatintelset"], "do": "delete"}
    rows = [
        Row("GET", "/health", "public: no signature needed, answers every role the same", signed=False, custom=health),
        Row("GET", "/metrics", "not on the API port (served only on --metrics-port)", signed=False, custom=metrics),
        Row("GET", "/console/login", "console: the sign-in page is public", signed=False, custom=console_public_page),
        Row("POST", "/console/login", "console: a session only for an active key and its secret", signed=False, custom=console_login),
    ]
    for page in ("/console", "/console/findings", "/console/usage", "/console/settings", "/console/lists", "/console/accounts", "/console/features"):
        rows.append(Row("GET", page, "console: a session required; an account sees what the API shows it", signed=False, custom=console_page(page)))
    forms = {
        "/console/logout": lambda w: {},
        "/console/findings/archive": lambda w: {"id": w.findings[:2], "archived": "true"},
        "/console/findings/feedback": lambda w: {"id": w.findings[:2], "feedback": "NOT_USEFUL"},
        "/console/settings/frequency": lambda w: {"findingPublishingFrequency": "FIFTEEN_MINUTES"},
        "/console/settings/samples": lambda w: {},
        "/console/lists/create": lambda w: {"kind": "THREAT_INTEL_SET", "name": "x", "format": "TXT", "location": "file:///x"},
        "/console/lists/change": lists_change,
        "/console/features": lambda w: {"feature": "S3_DATA_EVENTS", "status": "ENABLED"},
        "/console/accounts/change": lambda w: {"account": [acct(w, "member")], "do": "disassociate"},
        "/console/invitations": lambda w: {"administrator": acct(w, "owner"), "invitation": w.invitation_id, "do": "accept"},
        "/console/rules/create": lambda w: {"name": f"console-{uuid.uuid4().hex[:6]}", "attribute": "type", "value": "x", "action": "ARCHIVE"},
        "/console/rules/delete": lambda w: {"name": w.filter_name},
    }
    for path, form in forms.items():
        # The invitee's own invitation is its to accept: it is left out of the accept form (the others try to take it).
        roles = tuple(r for r in OTHERS if not (path == "/console/invitations" and r == "invitee"))
        rows.append(Row("POST", path, "console: a session and its CSRF token required; acts on the session's own account only",
                        signed=False, custom=console_form(path, form, roles)))
    return rows


ROWS = (detector_rows() + member_rows() + administrator_rows() + invitation_rows() + organisation_rows() + findings_rows()
        + filter_rows() + lists_rows() + destination_rows() + agent_rows() + unsigned_rows())


# --- the tests ------------------------------------------------------------------------------------

def route_table():
    result = subprocess.run([BINARY, "routes"], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        pytest.fail(f"feature missing: `guardpost-admin routes` failed: {result.stderr.strip()[:300]}")
    return {(r["method"].upper(), normalise_template(r["path"])) for r in json.loads(result.stdout)}


def test_rows_are_unique():
    keys = [(row.method, row.template) for row in ROWS]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]


def test_every_route_has_an_isolation_row():
    routes = route_table()
    assert routes, "the route table is empty"
    rows = {(row.method, row.template) for row in ROWS}
    missing = sorted(routes - rows)
    assert not missing, "routes without an isolation row (add one to ROWS saying who may call it):\n" + "\n".join(f"  {m} {p}" for m, p in missing)
    # The API operations this suite knows must all be routed (a row for a route that vanished is a regression).
    vanished = sorted(r for r in rows - routes if not r[1].startswith("/console") and r[1] != "/metrics")
    assert not vanished, f"rows for routes the server does not register: {vanished}"


@pytest.fixture(scope="module")
def consoles(world):
    world.consoles = {}
    for role in ["owner"] + OTHERS:
        console = Console(world.server)
        account = world.accounts[role]
        console.sign_in(account.access_key_id, account.secret_access_key)
        assert console.token, f"{role} could not sign in to the console"
        world.consoles[role] = console
    return world.consoles


def leaks(w, role, response, may_see=frozenset()):
    return [name for name, value in w.secrets.items() if name not in may_see and value in response.text]


def strip_ids(w, text):
    for value in (w.D, w.fake_detector, *w.detectors.values()):
        text = text.replace(value, "DETECTOR")
    return text


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_isolation(world, consoles, row):
    w = world
    failures = []
    before = w.snapshot()
    if not row.signed:
        try:
            row.custom(w)
        except AssertionError as error:
            failures.append(f"{row.id}: {error}")
    else:
        for role in OTHERS + ["revoked"]:
            call = row.call(w, role)
            response = w.call(role, call.method, call.target, call.body)
            check = row.revoked if role == "revoked" else row.others
            try:
                check(w, role, response)
            except AssertionError as error:
                failures.append(f"{role}: expected {check.__doc__ or check.__name__}: {error}")
            leaked = leaks(w, role, response)
            if leaked:
                failures.append(f"{role}: the answer carries the owner's {leaked}: {response.text[:300]}")
            # No existence oracle: the owner's detector answers as a detector that does not exist.
            if role in OTHERS and ("{D}" in row.path or "{D}" in row.query) and response.status_code >= 400:
                fake = row.call(w, role, detector=w.fake_detector)
                other = w.call(role, fake.method, fake.target, fake.body)
                if (response.status_code, strip_ids(w, message(response))) != (other.status_code, strip_ids(w, message(other))):
                    failures.append(f"{role}: the owner's detector answers unlike a detector that does not exist: "
                                    f"{describe(response)} vs {describe(other)}")
        for variant in (row.variants(w) if row.variants else []):
            call = variant.build(w)
            response = w.call(variant.role, call.method, call.target, call.body)
            try:
                variant.check(w, variant.role, response)
            except AssertionError as error:
                failures.append(f"{variant.role} (own detector, {call.method} {call.target}): expected "
                                f"{variant.check.__doc__ or 'its rule'}: {error}")
            leaked = leaks(w, variant.role, response, variant.may_see)
            if leaked:
                failures.append(f"{variant.role} (own detector, {call.target}): the answer carries the owner's {leaked}")
    after = w.snapshot()
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    if changed:
        failures.append(f"the owner's state changed by another role's call: {json.dumps(changed, default=str)[:1500]}")
    if row.signed:
        call = row.owner_call(w) if row.owner_call else row.call(w, "owner")
        if call is not None:
            response = w.call("owner", call.method, call.target, call.body)
            try:
                row.owner(w, "owner", response)
            except AssertionError as error:
                failures.append(f"owner ({call.method} {call.target}): expected {row.owner.__doc__ or 'success'}: {error}")
    assert not failures, f"{row.id} — rule: {row.rule}\n" + "\n".join(failures)
