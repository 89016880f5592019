import Detection
import Foundation
import GuardDutyModel
import Testing

/// EKS Audit Log Monitoring: each Kubernetes finding type on the request that raises it, and the look-alikes of an
/// ordinary day that must not.
@Suite("Kubernetes audit rules")
struct KubernetesRuleTests {
    typealias K = KubernetesAudit

    static var privilegedDeployment: [String: Any] {
        K.deployment(
            "node-debugger", spec: K.podSpec(containers: [K.container("shell", "docker.io/library/alpine:3.20", privileged: true)]))
    }

    @Test func aPrivilegedContainerIsAWellFormedEKSClusterFinding() throws {
        var audit = K()
        audit.feed([
            K.event(
                "create", "deployments", namespace: "default", code: 201, from: "198.51.100.7", uri: "/apis/apps/v1/namespaces/default/deployments",
                request: Self.privilegedDeployment)
        ])
        let finding = try #require(audit.findings().first { $0.type == "PrivilegeEscalation:Kubernetes/PrivilegedContainer" })
        #expect(finding.severity == 5 && finding.service.featureName == "EksAuditLogs")
        #expect(finding.resource.resourceType == "EKSCluster" && finding.resource.eksClusterDetails?.name == "prod-eu")
        let user = try #require(finding.resource.kubernetesDetails?.kubernetesUserDetails)
        #expect(user.username == "alice@example.com" && user.groups == ["system:authenticated"])
        let workload = try #require(finding.resource.kubernetesDetails?.kubernetesWorkloadDetails)
        #expect(workload.name == "node-debugger" && workload.type == "deployments" && workload.namespace == "default")
        #expect(
            workload.containers?.first?.image == "docker.io/library/alpine:3.20" && workload.containers?.first?.securityContext?.privileged == true)
        #expect(workload.containers?.first?.imagePrefix == "docker.io/library/alpine")
        #expect(finding.service.action.actionType == "KUBERNETES_API_CALL" && finding.service.resourceRole == "TARGET")
        let call = try #require(finding.service.action.kubernetesApiCallAction)
        #expect(call.requestUri == "/apis/apps/v1/namespaces/default/deployments" && call.verb == "create" && call.statusCode == 201)
        #expect(call.sourceIps == ["198.51.100.7"] && call.userAgent?.hasPrefix("kubectl/") == true)
        #expect(call.remoteIpDetails?.ipAddressV4 == "198.51.100.7")
        let json = String(decoding: try JSONEncoder().encode(finding), as: UTF8.self)
        #expect(json.contains(#""sourceIPs":["198.51.100.7"]"#))
    }

    @Test func aPrivilegedImageIsReportedOnItsFirstLaunchOnlyAndUnprivilegedOnesNever() {
        var audit = K()
        let pod = K.pod(
            "node-debugger-7d9-x2", spec: K.podSpec(containers: [K.container("shell", "docker.io/library/alpine:3.20", privileged: true)]))
        audit.feed([
            K.event("create", "deployments", namespace: "default", code: 201, request: Self.privilegedDeployment),
            // The pods its ReplicaSet makes: the image is known now.
            K.event("create", "pods", namespace: "default", user: "system:serviceaccount:kube-system:replicaset-controller", code: 201, request: pod),
            K.event("create", "pods", namespace: "default", user: "system:serviceaccount:kube-system:replicaset-controller", code: 201, request: pod),
            // Explicitly unprivileged, and no security context at all.
            K.event(
                "create", "pods", namespace: "default", code: 201,
                request: K.pod(
                    "web", spec: K.podSpec(containers: [K.container("web", "nginx:1.27", privileged: false), K.container("side", "envoy:1.30")]))),
            // Denied: nothing was launched.
            K.event(
                "create", "pods", namespace: "default", user: "mallory", code: 403,
                request: K.pod("evil", spec: K.podSpec(containers: [K.container("x", "evil/miner:1", privileged: true)]))),
        ])
        #expect(audit.types() == ["PrivilegeEscalation:Kubernetes/PrivilegedContainer": 1])
    }

    @Test func aPrivilegedDebugContainerAddedToARunningPodIsPrivilegedContainer() throws {
        var audit = K()
        var pod = K.pod("api-0", namespace: "shop", spec: K.podSpec(containers: [K.container("api", "registry.example/api:3")]))
        var spec = pod["spec"] as! [String: Any]
        spec["ephemeralContainers"] = [K.container("debugger-x7", "busybox:1.36", privileged: true)]
        pod["spec"] = spec
        audit.feed([
            K.event(
                "patch", "pods", namespace: "shop", name: "api-0", subresource: "ephemeralcontainers", user: "admin",
                request: ["spec": ["ephemeralContainers": []]], response: pod)
        ])
        let finding = try #require(audit.findings().first)
        #expect(finding.type == "PrivilegeEscalation:Kubernetes/PrivilegedContainer")
        #expect(finding.resource.kubernetesDetails?.kubernetesWorkloadDetails?.containers?.contains { $0.name == "debugger-x7" } == true)
    }

    @Test func hostNetworkIsReportedAsPrivilegedContainerWithTheWorkloadShowingIt() throws {
        var audit = K()
        audit.feed([
            K.event(
                "create", "pods", namespace: "default", code: 201,
                request: K.pod("sniffer", spec: K.podSpec(containers: [K.container("tcpdump", "corfr/tcpdump:latest")], hostNetwork: true)))
        ])
        let finding = try #require(audit.findings().first)
        #expect(finding.type == "PrivilegeEscalation:Kubernetes/PrivilegedContainer")
        #expect(finding.resource.kubernetesDetails?.kubernetesWorkloadDetails?.hostNetwork == true)
        #expect(finding.description.contains("hostNetwork"))
    }

    @Test func aWritableSensitiveHostMountIsContainerWithSensitiveMountAndReadOnlyOrOrdinaryPathsAreNot() throws {
        var audit = K()
        func pod(_ name: String, _ path: String, readOnly: Bool) -> [String: Any] {
            K.pod(
                name,
                spec: K.podSpec(
                    containers: [K.container("c", "busybox:1.36", mounts: [["name": "host", "mountPath": "/host", "readOnly": readOnly]])],
                    volumes: [["name": "host", "hostPath": ["path": path]]]))
        }
        audit.feed([
            K.event("create", "pods", namespace: "default", code: 201, request: pod("reads-etc", "/etc", readOnly: true)),
            K.event("create", "pods", namespace: "default", code: 201, request: pod("cache", "/data/cache", readOnly: false)),
            K.event("create", "pods", namespace: "default", code: 201, request: pod("logs", "/var/log/app", readOnly: false)),
            K.event("create", "pods", namespace: "default", code: 201, request: pod("owns-etc", "/etc/", readOnly: false)),
        ])
        #expect(audit.types() == ["Persistence:Kubernetes/ContainerWithSensitiveMount": 1])
        let finding = try #require(audit.findings().first)
        #expect(finding.resource.kubernetesDetails?.kubernetesWorkloadDetails?.name == "owns-etc")
        #expect(finding.resource.kubernetesDetails?.kubernetesWorkloadDetails?.volumes?.first?.hostPath?.path == "/etc/")
    }

    @Test func bindingARoleToTheAnonymousUserIsAnonymousAccessGranted() throws {
        var audit = K()
        audit.feed([
            K.event(
                "create", "clusterrolebindings", name: "anon-view", code: 201,
                request: K.binding(
                    "ClusterRoleBinding", "anon-view", role: "view",
                    subjects: [["kind": "User", "name": "system:anonymous", "apiGroup": "rbac.authorization.k8s.io"]])),
            // Look-alikes: the API server's own public-info binding, a binding to a person, a denied attempt.
            K.event(
                "create", "clusterrolebindings", name: "system:public-info-viewer", user: "system:apiserver", code: 201,
                request: K.binding(
                    "ClusterRoleBinding", "system:public-info-viewer", role: "system:public-info-viewer",
                    subjects: [["kind": "Group", "name": "system:unauthenticated"]])),
            K.event(
                "create", "rolebindings", namespace: "team-a", name: "bob-edit", code: 201,
                request: K.binding("RoleBinding", "bob-edit", namespace: "team-a", role: "edit", subjects: [["kind": "User", "name": "bob"]])),
            K.event(
                "create", "clusterrolebindings", name: "anon-admin", user: "mallory", code: 403,
                request: K.binding(
                    "ClusterRoleBinding", "anon-admin", role: "cluster-admin", subjects: [["kind": "Group", "name": "system:unauthenticated"]])),
        ])
        #expect(audit.types() == ["Policy:Kubernetes/AnonymousAccessGranted": 1])
        let finding = try #require(audit.findings().first)
        #expect(finding.severity == 8)
        #expect(finding.service.action.kubernetesRoleBindingDetails?.roleRefName == "view")
    }

    @Test func clusterAdminForADefaultServiceAccountIsAdminAccessToDefaultServiceAccount() {
        var audit = K()
        audit.feed([
            K.event(
                "create", "rolebindings", namespace: "default", name: "sa-default-admin", code: 201,
                request: K.binding(
                    "RoleBinding", "sa-default-admin", namespace: "default", role: "cluster-admin",
                    subjects: [["kind": "ServiceAccount", "name": "default", "namespace": "default"]])),
            // Look-alikes: cluster-admin for a named deployer account; view for the default account.
            K.event(
                "create", "clusterrolebindings", name: "ci", code: 201,
                request: K.binding(
                    "ClusterRoleBinding", "ci", role: "cluster-admin",
                    subjects: [["kind": "ServiceAccount", "name": "ci-deployer", "namespace": "ci"]])),
            K.event(
                "create", "rolebindings", namespace: "apps", name: "default-view", code: 201,
                request: K.binding(
                    "RoleBinding", "default-view", namespace: "apps", role: "view",
                    subjects: [["kind": "ServiceAccount", "name": "default", "namespace": "apps"]])),
            // The built-in namespace `admin` role for another namespace's default account.
            K.event(
                "create", "rolebindings", namespace: "shop", name: "default-admin", code: 201,
                request: K.binding(
                    "RoleBinding", "default-admin", namespace: "shop", role: "admin",
                    subjects: [["kind": "ServiceAccount", "name": "default", "namespace": "shop"]])),
        ])
        #expect(audit.types() == ["Policy:Kubernetes/AdminAccessToDefaultServiceAccount": 2])
    }

    @Test func aDashboardBehindAnInternetLoadBalancerIsExposedAndInternalOrClusterIPOnesAreNot() {
        func service(_ name: String, namespace: String, type: String, selector: [String: String], annotations: [String: String] = [:]) -> [String:
            Any]
        {
            [
                "kind": "Service", "apiVersion": "v1", "metadata": ["name": name, "namespace": namespace, "annotations": annotations],
                "spec": ["type": type, "selector": selector, "ports": [["port": 443, "targetPort": 8443]]],
            ]
        }
        var audit = K()
        audit.feed([
            K.event(
                "create", "services", namespace: "kubernetes-dashboard", code: 201,
                request: service(
                    "kubernetes-dashboard", namespace: "kubernetes-dashboard", type: "LoadBalancer", selector: ["k8s-app": "kubernetes-dashboard"])),
            K.event(
                "create", "services", namespace: "kubeflow", code: 201,
                request: service("centraldashboard", namespace: "kubeflow", type: "LoadBalancer", selector: ["app": "centraldashboard"])),
            K.event(
                "create", "services", namespace: "ops", code: 201,
                request: service(
                    "kubernetes-dashboard-internal", namespace: "ops", type: "LoadBalancer", selector: ["k8s-app": "kubernetes-dashboard"],
                    annotations: ["service.beta.kubernetes.io/aws-load-balancer-internal": "true"])),
            K.event(
                "create", "services", namespace: "tools", code: 201,
                request: service("kubernetes-dashboard", namespace: "tools", type: "ClusterIP", selector: ["k8s-app": "kubernetes-dashboard"])),
            K.event(
                "create", "services", namespace: "web", code: 201,
                request: service("shop", namespace: "web", type: "LoadBalancer", selector: ["app": "shop"])),
        ])
        #expect(audit.types() == ["Policy:Kubernetes/ExposedDashboard": 1, "Policy:Kubernetes/KubeflowDashboardExposed": 1])
    }

    @Test func execInAKubeSystemPodIsReportedOnceAndExecElsewhereIsNot() throws {
        var audit = K()
        let id = "exec-1"
        audit.feed([
            // One request, three stages: counted once.
            K.event(
                "create", "pods", namespace: "kube-system", name: "coredns-5d78c9869d-abcde", subresource: "exec", user: "admin", code: 0,
                stage: "RequestReceived", auditID: id),
            K.event(
                "create", "pods", namespace: "kube-system", name: "coredns-5d78c9869d-abcde", subresource: "exec", user: "admin", code: 101,
                stage: "ResponseStarted", auditID: id),
            K.event(
                "create", "pods", namespace: "kube-system", name: "coredns-5d78c9869d-abcde", subresource: "exec", user: "admin", code: 101,
                auditID: id),
            // Look-alikes: an administrator debugging an application; a denied exec into kube-system.
            K.event("create", "pods", namespace: "shop", name: "api-0", subresource: "exec", user: "admin", code: 101),
            K.event("create", "pods", namespace: "kube-system", name: "kube-proxy-x", subresource: "exec", user: "intern", code: 403),
        ])
        #expect(audit.types() == ["Execution:Kubernetes/ExecInKubeSystemPod": 1])
        #expect(try #require(audit.findings().first).service.count == 1)
    }

    @Test func successfulAnonymousRequestsAreReportedByTacticAndHealthChecksAndDenialsAreNot() {
        var audit = K()
        audit.feed([
            K.event("list", "pods", namespace: "default", user: "system:anonymous", groups: ["system:unauthenticated"], from: "198.51.100.9"),
            K.event(
                "get", "secrets", namespace: "default", name: "db", user: "system:anonymous", groups: ["system:unauthenticated"], from: "198.51.100.9"
            ),
            K.event(
                "get", user: "system:anonymous", groups: ["system:unauthenticated"], from: "10.0.1.100", uri: "/healthz",
                userAgent: "ELB-HealthChecker/2.0"),
            K.event(
                "get", user: "system:anonymous", groups: ["system:unauthenticated"], from: "10.128.0.1", uri: "/readyz?verbose",
                userAgent: "kube-probe/1.30"),
            K.event(
                "get", user: "system:anonymous", groups: ["system:unauthenticated"], from: "44.238.138.237", uri: "/version",
                userAgent: "python-requests/2.31.0"),
            K.event(
                "list", "secrets", user: "system:anonymous", groups: ["system:unauthenticated"], code: 403, from: "8.216.81.10", decision: "forbid"),
        ])
        #expect(
            audit.types() == ["Discovery:Kubernetes/SuccessfulAnonymousAccess": 1, "CredentialAccess:Kubernetes/SuccessfulAnonymousAccess": 1])
    }

    @Test func callersOnThreatListsFeedsAndTorAreReportedByTactic() throws {
        var audit = K()
        audit.feed([
            K.event("list", "pods", namespace: "default", from: K.threatListAddress),
            K.event("delete", "deployments", namespace: "default", name: "shop", from: K.threatListAddress),
            K.event("get", "secrets", namespace: "default", name: "db", from: K.maliciousAddress),
            K.event("list", "nodes", from: K.torAddress),
            // Refused requests from the same addresses did nothing.
            K.event("create", "clusterrolebindings", code: 403, from: K.torAddress),
        ])
        #expect(
            audit.types() == [
                "Discovery:Kubernetes/MaliciousIPCaller.Custom": 1, "Impact:Kubernetes/MaliciousIPCaller.Custom": 1,
                "CredentialAccess:Kubernetes/MaliciousIPCaller": 1, "Discovery:Kubernetes/TorIPCaller": 1,
            ])
        let custom = try #require(audit.findings().first { $0.type == "Discovery:Kubernetes/MaliciousIPCaller.Custom" })
        #expect(custom.service.evidence?.threatIntelligenceDetails.first?.threatListName == "tenant-blocklist.txt")
        #expect(custom.resource.eksClusterDetails?.name == "prod-eu")
    }

    @Test func theFeatureSwitchedOffCountsEventsAndRaisesNothing() {
        var audit = K()
        audit.engine.kubernetesAuditLogs = false
        audit.feed([K.event("list", "pods", namespace: "default", from: K.torAddress)])
        #expect(audit.findings().isEmpty && audit.engine.kubernetesAuditEventsIgnored == 1)
    }

    @Test func theCallerIsTheLastPublicSourceAddressNotOneTheClientForwarded() throws {
        var audit = K()
        // kube-apiserver lists X-Forwarded-For first and the connection's peer last.
        let spoofed = K.event("list", "nodes", from: K.torAddress).replacingOccurrences(
            of: #""sourceIPs":["\#(K.torAddress)"]"#, with: #""sourceIPs":["10.0.0.1","\#(K.torAddress)"]"#)
        audit.feed([spoofed])
        let finding = try #require(audit.findings().first { $0.type == "Discovery:Kubernetes/TorIPCaller" })
        #expect(finding.service.action.kubernetesApiCallAction?.remoteIpDetails?.ipAddressV4 == K.torAddress)
        #expect(finding.service.action.kubernetesApiCallAction?.sourceIps == ["10.0.0.1", K.torAddress])
    }

    @Test func aRequestReadTwiceIsJudgedOnce() {
        var audit = K()
        let exec = K.event("create", "pods", namespace: "kube-system", name: "coredns-1", subresource: "exec", code: 101)
        audit.feed([exec])
        // The same line again: a rotated log compressed into a new file, or logrotate's copytruncate.
        audit.feed([exec])
        let findings = audit.findings().filter { $0.type == "Execution:Kubernetes/ExecInKubeSystemPod" }
        #expect(findings.count == 1 && findings.first?.service.count == 1)
    }

    @Test func mountsThatHoldTheRuntimeOrTheKubeletAreSensitiveHoweverThePathIsWritten() {
        var audit = K()
        func pod(_ name: String, _ path: String, subPath: String? = nil) -> [String: Any] {
            var mount: [String: Any] = ["name": "host", "mountPath": "/host"]
            if let subPath { mount["subPath"] = subPath }
            return K.pod(
                name,
                spec: K.podSpec(
                    containers: [K.container("c", "busybox:\(name)", mounts: [mount])], volumes: [["name": "host", "hostPath": ["path": path]]]))
        }
        let sensitive: [(String, String, String?)] = [
            ("run", "/run", nil), ("var-run", "/var/run", nil), ("containerd", "/run/containerd", nil), ("docker", "/var/lib/docker", nil),
            ("var", "/var", nil), ("dev", "/dev", nil), ("ssh", "/home/ec2-user/.ssh", nil), ("slashes", "//etc", nil), ("dot", "/./etc", nil),
            ("up", "/data/../etc", nil), ("socket", "/var", "run/docker.sock"),
        ]
        let ordinary: [(String, String, String?)] = [
            ("xtables", "/run/xtables.lock", nil), ("logs", "/var/log", nil), ("data", "/data", nil), ("app-logs", "/var", "log/app"),
        ]
        audit.feed((sensitive + ordinary).map { K.event("create", "pods", namespace: "default", code: 201, request: pod($0.0, $0.1, subPath: $0.2)) })
        let mounted = audit.findings().filter { $0.type == "Persistence:Kubernetes/ContainerWithSensitiveMount" }
        #expect(Set(mounted.compactMap { $0.resource.kubernetesDetails?.kubernetesWorkloadDetails?.name }) == Set(sensitive.map(\.0)))
        #expect(mounted.count == sensitive.count)
    }

    @Test func aFindingFromAnEventOfHugeValuesStaysWithinWhatTheServerAccepts() throws {
        var audit = K()
        let huge = String(repeating: "x", count: 10_000)
        let containers = (0..<40).map { index in
            K.container(
                "c\(index)-\(huge)", "registry.example/\(huge):\(index)", privileged: true,
                mounts: (0..<10).map { ["name": "host\($0)", "mountPath": "/host/\(huge)/\($0)"] })
        }
        let volumes = (0..<50).map { ["name": "host\($0)", "hostPath": ["path": "/etc/\(huge)"]] as [String: Any] }
        let line = K.event(
            "create", "pods", namespace: "ns-\(huge)", name: "pod-\(huge)", user: "user-\(huge)",
            groups: (0..<200).map { "group-\($0)-\(huge)" }, code: 201, uri: "/api/v1/pods?\(huge)", userAgent: huge,
            request: K.pod("pod-\(huge)", namespace: "ns-\(huge)", spec: K.podSpec(containers: containers, volumes: volumes)))
        audit.feed([line])
        let findings = audit.findings()
        #expect(
            Set(findings.map(\.type)).isSuperset(of: [
                "PrivilegeEscalation:Kubernetes/PrivilegedContainer", "Persistence:Kubernetes/ContainerWithSensitiveMount",
            ]))
        for finding in findings {
            let document = try JSONEncoder().encode(finding)
            #expect(document.count <= FindingLimits.maxDocumentBytes, "\(finding.type): \(document.count) bytes")
            #expect(finding.description.utf8.count <= 4_096 && finding.title.utf8.count <= 1_024)
        }
    }
}
