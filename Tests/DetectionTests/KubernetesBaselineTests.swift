import Detection
import Foundation
import GuardDutyModel
import Testing

/// The Kubernetes AnomalousBehavior family and the launch baselines: learned per cluster user (and per cluster
/// image), judged after the learning period, and carried across a restart by the checkpoint's `LearnedBaselines`;
/// and an ordinary busy day of a cluster, which must raise nothing once the cluster is known.
@Suite("Kubernetes baselines")
struct KubernetesBaselineTests {
    typealias K = KubernetesAudit

    static func at(_ hours: Double, day: Int = 0) -> String {
        Timestamps.format(1_764_496_800 + Int64(day) * 86_400 + Int64(hours * 3600)).replacingOccurrences(of: ".000Z", with: ".123456Z")
    }

    static func ssar(_ user: String, _ time: String) -> String {
        K.event(
            "create", "selfsubjectaccessreviews", user: user, code: 201, uri: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", time: time,
            request: [
                "kind": "SelfSubjectAccessReview", "spec": ["resourceAttributes": ["verb": "get", "resource": "secrets", "namespace": "prod"]],
            ],
            response: ["kind": "SelfSubjectAccessReview", "status": ["allowed": true]])
    }

    static func binding(_ user: String, _ name: String, _ time: String) -> String {
        K.event(
            "create", "rolebindings", namespace: "shop", name: name, user: user, code: 201, time: time,
            request: K.binding("RoleBinding", name, namespace: "shop", role: "edit", subjects: [["kind": "User", "name": "carol"]]))
    }

    @Test func newKindsOfRequestAfterTheLearningPeriodAreAnomalousAndLearnedOnesAreNot() throws {
        var audit = K(learningSeconds: 3600)
        audit.feed([
            K.event("list", "pods", namespace: "shop", user: "alice", time: Self.at(0)),
            K.event("create", "pods", namespace: "shop", name: "api-0", subresource: "exec", user: "bob", code: 101, time: Self.at(0)),
            Self.binding("bob", "carol-edit", Self.at(0.1)),
            Self.ssar("bob", Self.at(0.2)),
            // After the hour: alice does all three for the first time, bob again, a controller binds roles as it always does.
            K.event("create", "pods", namespace: "shop", name: "api-0", subresource: "exec", user: "alice", code: 101, time: Self.at(2)),
            Self.binding("alice", "dave-edit", Self.at(2)),
            Self.ssar("alice", Self.at(2)),
            K.event("create", "pods", namespace: "shop", name: "api-1", subresource: "exec", user: "bob", code: 101, time: Self.at(2)),
            Self.binding("bob", "erin-edit", Self.at(2)),
            Self.ssar("bob", Self.at(2)),
            Self.binding("system:serviceaccount:kube-system:clusterrole-aggregation-controller", "agg", Self.at(2)),
        ])
        let findings = audit.findings()
        #expect(
            audit.types() == [
                "Execution:Kubernetes/AnomalousBehavior.ExecInPod": 1, "PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleBindingCreated": 1,
                "Discovery:Kubernetes/AnomalousBehavior.PermissionChecked": 1,
            ])
        #expect(findings.allSatisfy { $0.resource.kubernetesDetails?.kubernetesUserDetails?.username == "alice" })
        let checked = try #require(findings.first { $0.type == "Discovery:Kubernetes/AnomalousBehavior.PermissionChecked" })
        #expect(checked.severity == 2)
        #expect(
            checked.service.action.kubernetesPermissionCheckedDetails
                == Finding.KubernetesPermissionCheckedDetails(verb: "get", resource: "secrets", namespace: "prod", allowed: true))
    }

    @Test func secretsRolesAndWorkloadsOfANewKindAreAnomalousForTheUserOnly() throws {
        var audit = K(learningSeconds: 3600)
        let deployment = K.deployment("report", namespace: "payments", spec: K.podSpec(containers: [K.container("r", "registry.example/report:1")]))
        let role: [String: Any] = [
            "kind": "Role", "metadata": ["name": "reader", "namespace": "payments"],
            "rules": [["apiGroups": [""], "resources": ["pods"], "verbs": ["get"]]],
        ]
        audit.feed([
            K.event("list", "pods", namespace: "payments", user: "alice", time: Self.at(0)),
            K.event("get", "secrets", namespace: "shop", name: "api-key", user: "bob", time: Self.at(0)),
            K.event("create", "deployments", namespace: "shop", user: "bob", code: 201, time: Self.at(0), request: deployment),
            // After the hour: alice reads a secret, creates a role and deploys for the first time; bob reads secrets of
            // the namespace he always read and deploys where he always deployed.
            K.event("get", "secrets", namespace: "payments", name: "db-password", user: "alice", time: Self.at(2)),
            K.event("create", "roles", namespace: "payments", user: "alice", code: 201, time: Self.at(2), request: role),
            K.event("create", "deployments", namespace: "payments", user: "alice", code: 201, time: Self.at(2), request: deployment),
            K.event("list", "secrets", namespace: "shop", user: "bob", time: Self.at(2)),
            K.event("create", "deployments", namespace: "shop", user: "bob", code: 201, time: Self.at(2), request: deployment),
        ])
        #expect(
            audit.types() == [
                "CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed": 1, "PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleCreated": 1,
                "Execution:Kubernetes/AnomalousBehavior.WorkloadDeployed": 1,
            ])
        let deployed = try #require(audit.findings().first { $0.type == "Execution:Kubernetes/AnomalousBehavior.WorkloadDeployed" })
        #expect(deployed.resource.kubernetesDetails?.kubernetesWorkloadDetails?.containers?.first?.image == "registry.example/report:1")
    }

    @Test func theUsersLearnedStopAtFiftyThousandHoweverManyUsernamesALogInvents() throws {
        var audit = K(learningSeconds: 3600)
        let template = K.event("list", "pods", namespace: "shop", user: "USER-N", auditID: "AUDIT-N", time: Self.at(0))
        audit.feed(
            (0..<50_005).map {
                template.replacingOccurrences(of: "USER-N", with: "user-\($0)").replacingOccurrences(of: "AUDIT-N", with: "audit-\($0)")
            })
        #expect(audit.engine.learnedBaselines().kubernetesUsers?.count == 50_000)
        // After the hour: a learned user's first secret read is anomalous; a user past the cap is neither learned nor judged.
        audit.feed([
            K.event("get", "secrets", namespace: "payments", name: "db-password", user: "user-7", time: Self.at(2)),
            K.event("get", "secrets", namespace: "payments", name: "db-password", user: "user-50003", time: Self.at(2)),
        ])
        #expect(audit.types() == ["CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed": 1])
        #expect(audit.findings().first?.resource.kubernetesDetails?.kubernetesUserDetails?.username == "user-7")
    }

    @Test func whatAUserLearnedSurvivesARestartThroughTheCheckpoint() throws {
        var first = K(learningSeconds: 3600)
        first.feed([K.event("create", "pods", namespace: "shop", name: "api-0", subresource: "exec", user: "bob", code: 101, time: Self.at(0))])
        let saved = try JSONDecoder().decode(LearnedBaselines.self, from: try JSONEncoder().encode(first.engine.learnedBaselines()))
        #expect(saved.kubernetesUsers?["prod-eu|bob"]?.apis == ["exec"])

        let later = [
            K.event("create", "pods", namespace: "shop", name: "api-2", subresource: "exec", user: "bob", code: 101, time: Self.at(3)),
            K.event("create", "pods", namespace: "payments", name: "ledger-0", subresource: "exec", user: "bob", code: 101, time: Self.at(3)),
            K.event("get", "pods", namespace: "kube-system", name: "coredns-1", subresource: "exec", user: "bob", code: 101, time: Self.at(3)),
        ]
        var restored = K(learningSeconds: 3600)
        restored.engine.restore(saved)
        restored.feed(later)
        let anomalies = restored.findings().filter { $0.type == "Execution:Kubernetes/AnomalousBehavior.ExecInPod" }
        // Another ordinary namespace is the kind of exec bob made; the cluster's own namespace is not (over WebSocket: `get`).
        #expect(anomalies.count == 1 && anomalies.first?.service.action.kubernetesApiCallAction?.namespace == "kube-system")

        // Without the checkpoint, bob is a new user learning again: nothing.
        var fresh = K(learningSeconds: 3600)
        fresh.feed(later)
        #expect(fresh.findings().filter { $0.type.contains("AnomalousBehavior") }.isEmpty)
    }

    /// One ordinary day of a busy cluster: health checks, nodes, controllers, add-ons, people at work, denials, and
    /// every request also logged at RequestReceived.
    static func ordinaryDay(_ day: Int) -> [String] {
        var lines: [String] = []
        let kubeProxy = K.pod(
            "kube-proxy-x", namespace: "kube-system",
            spec: K.podSpec(
                containers: [K.container("kube-proxy", "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.30.0", privileged: true)],
                hostNetwork: true))
        let csi = K.pod(
            "ebs-csi-node-x", namespace: "kube-system",
            spec: K.podSpec(
                containers: [
                    K.container(
                        "ebs-plugin", "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.30.0", privileged: true,
                        mounts: [["name": "kubelet-dir", "mountPath": "/var/lib/kubelet"]])
                ], volumes: [["name": "kubelet-dir", "hostPath": ["path": "/var/lib/kubelet"]]]))
        let shopPod = K.pod("shop-7f9-abc", namespace: "shop", spec: K.podSpec(containers: [K.container("shop", "registry.example/shop:4.2")]))
        for hour in stride(from: 0.0, to: 8.0, by: 0.5) {
            let time = Self.at(hour, day: day)
            var requests = [
                K.event(
                    "get", user: "system:anonymous", groups: ["system:unauthenticated"], from: "10.0.1.100", uri: "/healthz", time: time,
                    userAgent: "ELB-HealthChecker/2.0"),
                K.event(
                    "get", user: "system:anonymous", groups: ["system:unauthenticated"], from: "10.0.2.7", uri: "/livez", time: time,
                    userAgent: "kube-probe/1.30"),
                K.event(
                    "get", "secrets", namespace: "shop", name: "shop-db", user: "system:node:ip-10-0-1-5.eu-west-1.compute.internal",
                    groups: ["system:nodes"], time: time),
                K.event(
                    "patch", "nodes", name: "ip-10-0-1-5", subresource: "status", user: "system:node:ip-10-0-1-5.eu-west-1.compute.internal",
                    groups: ["system:nodes"], time: time),
                K.event(
                    "update", "leases", namespace: "kube-system", name: "kube-controller-manager", user: "system:kube-controller-manager", time: time),
                K.event(
                    "create", "pods", namespace: "shop", user: "system:serviceaccount:kube-system:replicaset-controller", code: 201, time: time,
                    request: shopPod),
                K.event(
                    "create", "pods", namespace: "kube-system", user: "system:serviceaccount:kube-system:daemonset-controller", code: 201, time: time,
                    request: kubeProxy),
                K.event(
                    "create", "pods", namespace: "kube-system", user: "system:serviceaccount:kube-system:daemonset-controller", code: 201, time: time,
                    request: csi),
                K.event("list", "secrets", namespace: "cert-manager", user: "system:serviceaccount:cert-manager:cert-manager", time: time),
                K.event("list", "secrets", namespace: "kube-system", user: "alice", code: 403, time: time, decision: "forbid"),
                K.event("get", "pods", namespace: "shop", name: "shop-7f9-abc", subresource: "log", user: "alice", time: time),
                K.event("create", "pods", namespace: "shop", name: "shop-7f9-abc", subresource: "exec", user: "admin", code: 101, time: time),
                Self.ssar("bob", time),
                Self.binding("system:serviceaccount:argocd:argocd-application-controller", "shop-deployers", time),
            ]
            requests += requests.map { $0.replacingOccurrences(of: #""stage":"ResponseComplete""#, with: #""stage":"RequestReceived""#) }
            lines += requests
        }
        return lines
    }

    @Test func aBusyOrdinaryDayRaisesNothingOnceTheClusterIsKnown() throws {
        var first = K()
        first.feed(Self.ordinaryDay(0))
        // The first launches ever of kube-proxy and the CSI driver are what GuardDuty reports too; nothing else.
        #expect(
            Set(first.types().keys) == ["PrivilegeEscalation:Kubernetes/PrivilegedContainer", "Persistence:Kubernetes/ContainerWithSensitiveMount"])
        let saved = try JSONDecoder().decode(LearnedBaselines.self, from: try JSONEncoder().encode(first.engine.learnedBaselines()))

        var next = K()
        next.engine.restore(saved)
        next.feed(Self.ordinaryDay(2))
        #expect(next.findings().isEmpty, "\(next.findings().map { "\($0.type): \($0.description)" })")
        #expect(next.parser.statistics.malformed == 0 && next.parser.statistics.records == Self.ordinaryDay(2).count)
    }

    @Test func aKubeSystemAddOnIsLearnedAndJudgedLikeAnApplicationAndControllersAreNot() {
        var audit = K(learningSeconds: 3600)
        let metrics = "system:serviceaccount:kube-system:metrics-server"
        let controller = "system:serviceaccount:kube-system:replicaset-controller"
        audit.feed([
            K.event("list", "nodes", user: metrics, time: Self.at(0)),
            K.event("list", "pods", user: controller, time: Self.at(0)),
            // A stolen add-on token, after the learning period.
            K.event("list", "secrets", user: metrics, time: Self.at(3)),
            K.event("get", "secrets", namespace: "shop", name: "db", user: controller, time: Self.at(3)),
        ])
        let anomalies = audit.findings().filter { $0.type.contains("AnomalousBehavior") }
        #expect(anomalies.map(\.type) == ["CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed"])
        #expect(anomalies.first?.resource.kubernetesDetails?.kubernetesUserDetails?.username == metrics)
    }
}
