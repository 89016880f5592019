"""EKS Audit Log Monitoring for any cluster (issue 17), end to end: the administrator switches EKS_AUDIT_LOGS for a
member with UpdateMemberDetectors; the member's running agent, following a Kubernetes audit log (real events of
Falco's regression traces, appended as the log grows, one gzip file and one rotation), reports Kubernetes findings
through the API (resource EKSCluster with the cluster, the user and the request; found by GuardDuty's Kubernetes
criteria keys); switching the feature off stops new ones, switching it on again brings them back — no restart.
And `guardpost-agent scan --k8s-audit-logs` offline over Falco's whole trace directory."""
import gzip
import json
import os
import subprocess
import time
import uuid

import pytest

from conftest import Server, enrolled_pair
from test_agents_end_to_end import AGENT, SHARED, Agent, stored, wait_for

FALCO = os.path.join(SHARED, "k8s-audit", "falco-trace-files")
CLUSTER = "prod-east"
KUBERNETES = "Kubernetes/"

pytestmark = pytest.mark.skipif(not os.path.isdir(FALCO), reason="../shared/data/k8s-audit is not here")


def falco(name, second=0):
    """The events of one Falco trace file as audit-log lines, re-stamped as happening now (`second` apart) with fresh
    audit ids: a live log's new events."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 60 + second))
    lines = ""
    with open(os.path.join(FALCO, name)) as f:
        for line in f:
            if not line.strip():
                continue
            event = json.loads(line)
            for key in ("timestamp", "requestReceivedTimestamp", "stageTimestamp"):
                if key in event:
                    event[key] = stamp + ".000000Z"
            event["auditID"] = str(uuid.uuid4())
            lines += json.dumps(event) + "\n"
    return lines


def append(path, text):
    with open(path, "a") as f:
        f.write(text)


@pytest.fixture(scope="module")
def server():
    s = Server("kubernetes_audit").start()
    yield s
    s.stop()


def kubernetes_findings(gd, detector, account_id):
    """{id: (type, count)} of the account's Kubernetes findings."""
    return {i: v for i, v in stored(gd, detector, account_id).items() if KUBERNETES in v[0]}


def audit_records_read(gd, detector):
    """The Kubernetes audit events the administrator's agents reported reading (usage, RECORDS)."""
    got = gd.get_usage_statistics(DetectorId=detector, UsageStatisticType="SUM_BY_DATA_SOURCE",
                                  UsageCriteria={"DataSources": ["KUBERNETES_AUDIT_LOGS"]}, Unit="RECORDS")
    rows = got["UsageStatistics"].get("SumByDataSource", [])
    return sum(int(float(r["Total"]["Amount"])) for r in rows if r["DataSource"] == "KUBERNETES_AUDIT_LOGS")


def test_the_administrator_switches_eks_audit_log_monitoring_for_a_running_agent(server, tmp_path):
    admin, admin_detector, member, member_detector = enrolled_pair(server)
    gd = admin.client()

    def set_eks(status):
        result = gd.update_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id],
                                            Features=[{"Name": "EKS_AUDIT_LOGS", "Status": status}])
        assert result["UnprocessedAccounts"] == []
        view = gd.get_member_detectors(DetectorId=admin_detector, AccountIds=[member.account_id])["MemberDataSourceConfigurations"][0]
        assert {f["Name"]: f["Status"] for f in view["Features"]}["EKS_AUDIT_LOGS"] == status
        assert view["DataSources"]["Kubernetes"]["AuditLogs"]["Status"] == status

    set_eks("DISABLED")
    logs = tmp_path / "audit"
    logs.mkdir()
    log = logs / "audit.log"
    log.write_text("")
    agent = Agent("k8s", member, "us-east-1", str(tmp_path / "state"), k8s_audit_logs=[str(logs)], k8s_cluster_name=[CLUSTER]).start()
    try:
        wait_for(lambda: "eksAuditLogs=DISABLED" in agent.log(), what="the agent running without EKS Audit Log Monitoring")

        # Off: the log is read (its events are counted as usage) but nothing in it is judged.
        append(log, falco("create_nginx_pod_privileged.json") + falco("anonymous_creates_namespace_foo.json", 1))
        wait_for(lambda: audit_records_read(gd, admin_detector) >= 2, what="the first events read")
        assert kubernetes_findings(gd, admin_detector, member.account_id) == {}

        # On, without a restart: new events of the growing log, and a gzip file beside it, make findings.
        set_eks("ENABLED")
        wait_for(lambda: "eksAuditLogs=ENABLED" in agent.log(), what="EKS Audit Log Monitoring reaching the agent")
        append(log, falco("create_nginx_pod_unprivileged.json", 2))
        append(log, falco("create_nginx_pod_privileged.json", 3))
        with gzip.open(logs / "audit-earlier.log.gz", "wt") as f:
            f.write(falco("anonymous_creates_namespace_foo.json", 4))
        found = wait_for(lambda: kubernetes_findings(gd, admin_detector, member.account_id) or None,
                         what="Kubernetes findings once EKS_AUDIT_LOGS is on")
        assert "PrivilegeEscalation:Kubernetes/PrivilegedContainer" in {t for t, _ in found.values()}
        findings = gd.get_findings(DetectorId=admin_detector, FindingIds=list(found))["Findings"]
        privileged = next(f for f in findings if f["Type"] == "PrivilegeEscalation:Kubernetes/PrivilegedContainer")
        resource = privileged["Resource"]
        assert resource["ResourceType"] == "EKSCluster"
        assert resource["EksClusterDetails"]["Name"] == CLUSTER
        assert resource["KubernetesDetails"]["KubernetesUserDetails"]["Username"] == "system:serviceaccount:kube-system:replicaset-controller"
        assert "system:authenticated" in resource["KubernetesDetails"]["KubernetesUserDetails"]["Groups"]
        action = privileged["Service"]["Action"]
        assert action["ActionType"] == "KUBERNETES_API_CALL"
        assert action["KubernetesApiCallAction"]["Verb"] == "create"
        assert action["KubernetesApiCallAction"]["RequestUri"] == "/api/v1/namespaces/default/pods"
        assert privileged["AccountId"] == member.account_id

        # GuardDuty's Kubernetes criteria keys find them (ListFindings and GetFindingsStatistics).
        by_cluster = {"accountId": {"Equals": [member.account_id]}, "resource.eksClusterDetails.name": {"Equals": [CLUSTER]}}
        assert set(stored(gd, admin_detector, member.account_id)) >= set(found)
        listed = gd.list_findings(DetectorId=admin_detector, FindingCriteria={"Criterion": by_cluster}, MaxResults=50)["FindingIds"]
        assert set(listed) == set(found)
        other = {"resource.eksClusterDetails.name": {"Equals": ["another-cluster"]}}
        assert gd.list_findings(DetectorId=admin_detector, FindingCriteria={"Criterion": other})["FindingIds"] == []
        by_user = {"resource.kubernetesDetails.kubernetesUserDetails.username": {"Equals": ["system:serviceaccount:kube-system:replicaset-controller"]},
                   "service.action.kubernetesApiCallAction.requestUri": {"Equals": ["/api/v1/namespaces/default/pods"]}}
        assert privileged["Id"] in gd.list_findings(DetectorId=admin_detector, FindingCriteria={"Criterion": by_user})["FindingIds"]
        statistics = gd.get_findings_statistics(DetectorId=admin_detector, FindingStatisticTypes=["COUNT_BY_SEVERITY"],
                                                FindingCriteria={"Criterion": by_cluster})["FindingStatistics"]["CountBySeverity"]
        assert sum(statistics.values()) == len(found)

        # Off again: more attack events (after a rotation) are read but change nothing.
        set_eks("DISABLED")
        wait_for(lambda: agent.log().count("eksAuditLogs=DISABLED") >= 2, what="EKS Audit Log Monitoring switched off at the agent")
        before = kubernetes_findings(gd, admin_detector, member.account_id)
        read_before = audit_records_read(gd, admin_detector)
        os.rename(log, logs / "audit.log.1")
        append(log, falco("create_nginx_pod_privileged_2nd_container.json", 5) + falco("create_nginx_pod_privileged.json", 6))
        wait_for(lambda: audit_records_read(gd, admin_detector) >= read_before + 2, what="the events written while off read")
        time.sleep(3)  # two idle flushes (--idle-flush-seconds 2, --updates-every-seconds 2): anything pending would be out
        assert kubernetes_findings(gd, admin_detector, member.account_id) == before

        # On again: they come back.
        set_eks("ENABLED")
        wait_for(lambda: agent.log().count("eksAuditLogs=ENABLED") >= 2, what="EKS Audit Log Monitoring switched on again")
        append(log, falco("create_nginx_pod_privileged_2nd_container.json", 7))
        wait_for(lambda: kubernetes_findings(gd, admin_detector, member.account_id) != before, what="findings again once switched on")
    finally:
        agent.stop()


def test_scan_reads_falcos_traces_and_counts_the_malformed_one(tmp_path):
    result = subprocess.run([AGENT, "scan", "--k8s-audit-logs", FALCO, "--k8s-cluster-name", "minikube"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # 51 events in 46 files; fal_01_003.json ({"kind": 0}) is no audit event.
    assert "k8s audit logs: 51 records read, 0 skipped, 1 malformed" in result.stderr, result.stderr
    findings = json.loads(result.stdout)
    assert findings, result.stderr
    assert {f["resource"]["resourceType"] for f in findings} == {"EKSCluster"}
    assert {f["resource"]["eksClusterDetails"]["name"] for f in findings} == {"minikube"}
    assert "PrivilegeEscalation:Kubernetes/PrivilegedContainer" in {f["type"] for f in findings}

    # Audit logs are read where kube-apiserver writes them: no s3:// source, and a cluster name as EKS allows.
    for args in (["--k8s-audit-logs", "s3://bucket/audit/"], ["--k8s-audit-logs", FALCO, "--k8s-cluster-name", "bad name"]):
        refused = subprocess.run([AGENT, "scan", *args], capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and "--k8s-" in refused.stderr, refused.stderr


def cluster_finding(account_id, detector_id, finding_id):
    """A PrivilegedContainer finding as an agent reports it: the cluster, the user, the workload and the request."""
    return {
        "accountId": account_id, "arn": f"arn:aws:guardduty:us-east-1:{account_id}:detector/{detector_id}/finding/{finding_id}",
        "createdAt": "2026-11-20T09:00:00.000Z", "description": "A privileged container with root level access was launched on EKS Cluster.",
        "id": finding_id, "partition": "aws", "region": "us-east-1", "schemaVersion": "2.0",
        "resource": {
            "resourceType": "EKSCluster", "eksClusterDetails": {"name": CLUSTER},
            "kubernetesDetails": {
                "kubernetesUserDetails": {"username": "alice@example.com", "uid": "u-1", "groups": ["system:authenticated", "devs"]},
                "kubernetesWorkloadDetails": {
                    "name": "debug-shell", "type": "pods", "namespace": "payments",
                    "containers": [{"name": "shell", "image": "alpine:3.19", "securityContext": {"privileged": True},
                                    "volumeMounts": [{"name": "host-root", "mountPath": "/host"}]}],
                    "volumes": [{"name": "host-root", "hostPath": {"path": "/"}}]}}},
        "service": {
            "action": {"actionType": "KUBERNETES_API_CALL", "kubernetesApiCallAction": {
                "requestUri": "/api/v1/namespaces/payments/pods", "verb": "create", "sourceIPs": ["203.0.113.77"],
                "userAgent": "kubectl/v1.29.0 (linux/amd64)", "statusCode": 201, "remoteIpDetails": {"ipAddressV4": "203.0.113.77"}}},
            "archived": False, "count": 1, "detectorId": detector_id, "eventFirstSeen": "2026-11-20T09:00:00.000Z",
            "eventLastSeen": "2026-11-20T09:00:00.000Z", "resourceRole": "TARGET", "serviceName": "guardduty", "featureName": "Kubernetes"},
        "severity": 5, "title": "Privileged container with root level access launched on the EKS Cluster.",
        "type": "PrivilegeEscalation:Kubernetes/PrivilegedContainer", "updatedAt": "2026-11-20T09:00:00.000Z",
    }


def test_the_console_shows_a_cluster_findings_cluster_user_workload_and_request(server):
    from test_console_browser import Browser
    from test_findings import ingest

    admin, admin_detector, member, member_detector = enrolled_pair(server)
    response = ingest(member, member_detector, [cluster_finding(member.account_id, member_detector, "k8s0")])
    assert response.status_code == 200, response.text
    browser = Browser()
    try:
        browser.go(f"{server.endpoint}/console", "/console/login")
        browser.submit(
            f"document.querySelector('[name=accessKeyId]').value = '{admin.access_key_id}';"
            f"document.querySelector('[name=secretAccessKey]').value = '{admin.secret_access_key}';"
            "document.querySelector('form[action=\"/console/login\"]').submit()", "/console")
        browser.go(f"{server.endpoint}/console/findings?account={member.account_id}", "/console/findings")
        assert CLUSTER in browser.evaluate("document.body.innerText")  # the list names the cluster as the resource
        browser.go(f"{server.endpoint}/console/findings?id=k8s0", "/console/findings")
        text = browser.evaluate("document.body.innerText")
        for shown in ("Cluster", CLUSTER, "alice@example.com", "system:authenticated, devs", "pods debug-shell in namespace payments",
                      "shell: alpine:3.19, privileged", "host-root → hostPath /", "create /api/v1/namespaces/payments/pods → 201",
                      "203.0.113.77", "kubectl/v1.29.0 (linux/amd64)"):
            assert shown in text, (shown, text)
        browser.screenshot("k8s-cluster-finding")
    finally:
        browser.close()


def test_guardduty_kubernetes_criteria_keys_list_count_and_suppress(server):
    from test_findings import ingest

    admin, admin_detector, member, member_detector = enrolled_pair(server)
    gd = admin.client()
    first = cluster_finding(member.account_id, member_detector, "k8s-a")
    elsewhere = cluster_finding(member.account_id, member_detector, "k8s-b")
    elsewhere["resource"]["eksClusterDetails"]["name"] = "staging"
    elsewhere["resource"]["kubernetesDetails"]["kubernetesUserDetails"]["username"] = "bob"
    elsewhere["service"]["action"]["kubernetesApiCallAction"]["statusCode"] = 403
    assert ingest(member, member_detector, [first, elsewhere]).status_code == 200
    mine = {"accountId": {"Equals": [member.account_id]}}

    def listed(criterion):
        return set(gd.list_findings(DetectorId=admin_detector, FindingCriteria={"Criterion": {**mine, **criterion}})["FindingIds"])

    # The Kubernetes keys of GuardDuty's ListFindings documentation.
    keys = {
        "resource.eksClusterDetails.name": CLUSTER,
        "resource.kubernetesDetails.kubernetesUserDetails.username": "alice@example.com",
        "resource.kubernetesDetails.kubernetesWorkloadDetails.name": "debug-shell",
        "resource.kubernetesDetails.kubernetesWorkloadDetails.namespace": "payments",
        "resource.kubernetesDetails.kubernetesWorkloadDetails.containers.image": "alpine:3.19",
        "service.action.kubernetesApiCallAction.requestUri": "/api/v1/namespaces/payments/pods",
        "service.action.kubernetesApiCallAction.remoteIpDetails.ipAddressV4": "203.0.113.77",
        "resource.kubernetesDetails.kubernetesUserDetails.groups": "devs",
    }
    for key, value in keys.items():
        assert listed({key: {"Equals": [value]}}) >= {"k8s-a"}, key
    assert listed({"resource.eksClusterDetails.name": {"Equals": ["staging"]}}) == {"k8s-b"}
    assert listed({"resource.eksClusterDetails.name": {"NotEquals": [CLUSTER]}}) == {"k8s-b"}
    assert listed({"service.action.kubernetesApiCallAction.statusCode": {"GreaterThanOrEqual": 400}}) == {"k8s-b"}
    assert listed({"service.action.kubernetesApiCallAction.statusCode": {"Equals": ["201"]}}) == {"k8s-a"}
    assert listed({"resource.resourceType": {"Equals": ["EKSCluster"]}}) == {"k8s-a", "k8s-b"}
    by_type = gd.get_findings_statistics(DetectorId=admin_detector, FindingStatisticTypes=["COUNT_BY_SEVERITY"], FindingCriteria={
        "Criterion": {**mine, "resource.kubernetesDetails.kubernetesUserDetails.username": {"Equals": ["bob"]}}})
    assert by_type["FindingStatistics"]["CountBySeverity"] == {"5.0": 1}

    # A suppression rule on the cluster and namespace archives what arrives after it, and only that.
    gd.create_filter(DetectorId=admin_detector, Name="staging-noise", Action="ARCHIVE", FindingCriteria={"Criterion": {
        "resource.eksClusterDetails.name": {"Equals": ["staging"]},
        "resource.kubernetesDetails.kubernetesWorkloadDetails.namespace": {"Equals": ["payments"]}}})
    later = [dict(elsewhere, id="k8s-c", arn=elsewhere["arn"].replace("k8s-b", "k8s-c")),
             dict(first, id="k8s-d", arn=first["arn"].replace("k8s-a", "k8s-d"))]
    assert ingest(member, member_detector, later).status_code == 200
    archived = {f["Id"]: f["Service"]["Archived"] for f in gd.get_findings(DetectorId=admin_detector, FindingIds=["k8s-c", "k8s-d"])["Findings"]}
    assert archived == {"k8s-c": True, "k8s-d": False}
