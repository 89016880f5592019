import Foundation
import GuardDutyModel
import Testing

@testable import MemberAgent

/// A running agent following a Kubernetes audit log (`--k8s-audit-logs`): its events are read and reported in
/// heartbeats whatever the feature says, judged only while EKS_AUDIT_LOGS is on, and not read twice after a restart.
@Suite("Kubernetes audit logs in the agent")
struct KubernetesAuditAgentTests {
    static let privileged = "PrivilegeEscalation:Kubernetes/PrivilegedContainer"

    /// An audit.k8s.io/v1 event (one JSON line): alice creates the privileged pod `name` in `default`, of an image of
    /// its own (a privileged image is reported the first time a cluster launches it).
    static func privilegedPod(_ name: String, second: Int) -> String {
        let time = "2026-11-30T09:00:\(String(format: "%02d", second)).000000Z"
        return #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"\#(UUID().uuidString)","#
            + #""stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"create","#
            + #""user":{"username":"alice","uid":"u-1","groups":["system:authenticated"]},"sourceIPs":["203.0.113.9"],"#
            + #""userAgent":"kubectl/v1.29.0","objectRef":{"resource":"pods","namespace":"default","name":"\#(name)","apiVersion":"v1"},"#
            + #""responseStatus":{"metadata":{},"code":201},"#
            + #""requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"\#(name)","namespace":"default"},"#
            + #""spec":{"containers":[{"name":"shell","image":"registry.example/\#(name):1","securityContext":{"privileged":true}}]}},"#
            + #""requestReceivedTimestamp":"\#(time)","stageTimestamp":"\#(time)"}"# + "\n"
    }

    /// The clusters and workloads of the privileged-container findings delivered, as "cluster/pod×count".
    static func delivered(_ channel: FakeChannel) async -> [String] {
        await channel.findings.filter { $0.type == Self.privileged }.map {
            "\($0.resource.eksClusterDetails?.name ?? "-")/\($0.resource.kubernetesDetails?.kubernetesWorkloadDetails?.name ?? "-")×\($0.service.count)"
        }
    }

    @Test func auditEventsAreJudgedOnlyWhileTheFeatureIsOnAndNotReadTwiceAfterARestart() async throws {
        let directory = try temporaryDirectory()
        let audit = "\(directory)/audit.log"
        let dns = "\(directory)/resolver.log"
        let channel = FakeChannel()
        try append(Self.privilegedPod("before", second: 1), to: audit)
        var agent = try AgentRuntimeTests.Agent(
            state: "\(directory)/state", log: dns, channel: channel, kubernetesAuditLogs: [audit], clusterName: "lab")
        // Off (the configuration does not name EKS_AUDIT_LOGS): read and counted, not judged.
        try await AgentRuntimeTests.eventually("the first audit event read") {
            await AgentRuntimeTests.recordsReported(channel, "KUBERNETES_AUDIT_LOGS") >= 1
        }
        #expect(agent.runtime.counters.newFindings == 0)

        await channel.setFeature("EKS_AUDIT_LOGS", "ENABLED")
        try await AgentRuntimeTests.eventually("configuration 2 applied") { agent.runtime.counters.appliedConfigVersion == 2 }
        try append(Self.privilegedPod("after", second: 2), to: audit)
        try await AgentRuntimeTests.eventually("the finding of the pod created while on") { await Self.delivered(channel).contains("lab/after×1") }
        try await agent.stop()

        // Restarted: the events before the restart are not read again (no second finding, no higher count).
        agent = try AgentRuntimeTests.Agent(
            state: "\(directory)/state", log: dns, channel: channel, kubernetesAuditLogs: [audit], clusterName: "lab")
        try append(Self.privilegedPod("restarted", second: 3), to: audit)
        try await AgentRuntimeTests.eventually("the finding of the pod created after the restart") {
            await Self.delivered(channel).contains("lab/restarted×1")
        }
        // The restarted agent read one event: the one written after the restart.
        try await AgentRuntimeTests.eventually("the restarted agent's records reported") {
            await AgentRuntimeTests.recordsReported(channel, "KUBERNETES_AUDIT_LOGS") == 1
        }
        try await agent.stop()
        #expect(await AgentRuntimeTests.recordsReported(channel, "KUBERNETES_AUDIT_LOGS") == 1)
        #expect(await Self.delivered(channel).filter { !$0.contains("/restarted") } == ["lab/after×1"])
        #expect(!(await Self.delivered(channel)).contains { $0.contains("/before") })
    }
}
