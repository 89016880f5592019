import Foundation
import GuardDutyModel
import Testing

@testable import AdminServer

/// The console's detail pane of a Kubernetes finding says who did what to which workload of which cluster.
@Suite("Kubernetes finding detail")
struct KubernetesFindingDetailTests {
    static func finding() -> Finding {
        var resource = Finding.Resource(resourceType: "EKSCluster")
        resource.eksClusterDetails = Finding.EksClusterDetails(name: "prod-east")
        var container = Finding.Container(name: "shell", image: "alpine:3.19")
        container.securityContext = Finding.SecurityContext(privileged: true)
        var workload = Finding.KubernetesWorkloadDetails(name: "debug", type: "pods", namespace: "payments")
        workload.hostNetwork = true
        workload.containers = [container]
        workload.volumes = [Finding.Volume(name: "root", hostPath: Finding.HostPath(path: "/"))]
        resource.kubernetesDetails = Finding.KubernetesDetails(
            kubernetesUserDetails: Finding.KubernetesUserDetails(
                username: "alice", groups: ["system:authenticated", "devs"], impersonatedUser: Finding.ImpersonatedUser(username: "admin")),
            kubernetesWorkloadDetails: workload)
        var call = Finding.KubernetesApiCallAction(
            requestUri: "/api/v1/namespaces/payments/pods", verb: "create", sourceIps: ["203.0.113.7", "10.0.0.2"], userAgent: "kubectl/v1.29.0",
            statusCode: 201)
        call.remoteIpDetails = Finding.RemoteIpDetails(address: "203.0.113.7")
        return Finding(
            accountId: "111122223333", arn: "arn", createdAt: "2026-11-30T09:00:00.000Z", description: "d", id: "f", region: "us-east-1",
            resource: resource,
            service: Finding.Service(
                action: .kubernetes(call), evidence: nil, count: 1, detectorId: "d", eventFirstSeen: "2026-11-30T09:00:00.000Z",
                eventLastSeen: "2026-11-30T09:00:00.000Z", resourceRole: "TARGET", additionalInfo: nil, featureName: "EksAuditLogs"),
            severity: 5, title: "t", type: "PrivilegeEscalation:Kubernetes/PrivilegedContainer", updatedAt: "2026-11-30T09:00:00.000Z")
    }

    @Test func theClusterUserWorkloadAndRequestAreShown() {
        let facts = Dictionary(FindingDetailView.facts(Self.finding()).compactMap { name, value in value.map { (name, $0) } }) { a, _ in a }
        #expect(facts["Resource"] == "EKSCluster prod-east")
        #expect(facts["Cluster"] == "prod-east")
        #expect(facts["Kubernetes user"] == "alice (groups: system:authenticated, devs), acting as admin")
        #expect(facts["Workload"] == "pods debug in namespace payments (hostNetwork)")
        #expect(facts["Containers"] == "shell: alpine:3.19, privileged")
        #expect(facts["Volumes"] == "root → hostPath /")
        #expect(facts["Request"] == "create /api/v1/namespaces/payments/pods → 201")
        #expect(facts["Source IPs"] == "203.0.113.7, 10.0.0.2")
        #expect(facts["User agent"] == "kubectl/v1.29.0")
        #expect(facts["Remote address"] == "203.0.113.7")
    }

    @Test func otherFindingsHaveNoKubernetesLines() {
        var other = Self.finding()
        other.resource = Finding.Resource(resourceType: "Instance", instanceDetails: Finding.InstanceDetails(instanceId: "i-1"))
        other.service.action = .dns(Finding.DnsRequestAction(domain: "x.example", protocolName: "UDP", blocked: false))
        #expect(FindingDetailView.kubernetesFacts(other).isEmpty)
    }
}
