import Foundation
import GuardDutyModel
import Testing
import ThreatLists

@testable import Detection

/// The public evidence for EKS Audit Log Monitoring (../shared/data/k8s-audit): Falco's captured audit events with
/// the detections Falco's stock rules expect, each Falco rule mapped to the GuardDuty type Guardpost raises for it
/// (or to no finding, where GuardDuty has no such type); and Panther's labelled EKS audit rule tests, measured as
/// precision and recall for the Panther rules that overlap a Guardpost type. The figures are printed and held to
/// what the README reports.
@Suite("Kubernetes audit evidence")
struct KubernetesEvidenceTests {
    /// Falco stock rule → the GuardDuty type Guardpost raises for its traces (nil: no finding — GuardDuty has no
    /// type for it, or only an AnomalousBehavior one after a learning period a single trace does not have).
    static let falcoMapping: [String: String?] = [
        "Create Privileged Pod": "PrivilegeEscalation:Kubernetes/PrivilegedContainer",
        "Create HostNetwork Pod": "PrivilegeEscalation:Kubernetes/PrivilegedContainer",
        "Create Sensitive Mount Pod": "Persistence:Kubernetes/ContainerWithSensitiveMount",
        // An anonymous request allowed (creating a namespace): GuardDuty reports the request, not a grant.
        "Anonymous Request Allowed": "Impact:Kubernetes/SuccessfulAnonymousAccess",
        // Exec in `default`: GuardDuty reports exec only in kube-system (or as AnomalousBehavior.ExecInPod).
        "Attach/Exec Pod": nil,
        // cluster-admin bound to a user: GuardDuty reports it for default service accounts only (and as
        // AnomalousBehavior.RoleBindingCreated).
        "Attach to cluster-admin Role": nil,
        "ClusterRole With Pod Exec Created": nil, "ClusterRole With Wildcard Created": nil, "ClusterRole With Write Privileges Created": nil,
        "System ClusterRole Modified/Deleted": nil, "Pod Created in Kube Namespace": nil, "Service Account Created in Kube Namespace": nil,
        "K8s Role/Clusterrole Created": nil, "K8s Role/Clusterrolebinding Created": nil, "K8s ConfigMap Created": nil,
        "K8s Deployment Created": nil, "K8s Secret Created": nil, "K8s Service Created": nil, "K8s Serviceaccount Created": nil,
        "K8s Role/Clusterrole Deleted": nil, "K8s Role/Clusterrolebinding Deleted": nil, "K8s ConfigMap Deleted": nil,
        "K8s Deployment Deleted": nil, "K8s Namespace Deleted": nil, "K8s Secret Deleted": nil, "K8s Service Deleted": nil,
        "K8s Serviceaccount Deleted": nil,
    ]

    struct FalcoRow: Decodable {
        var traceFile: String
        var detect: Bool
        var detectCounts: [String: Int]
        var extraTestRuleFiles: [String]

        enum CodingKeys: String, CodingKey {
            case traceFile = "trace_file"
            case detect
            case detectCounts = "detect_counts"
            case extraTestRuleFiles = "extra_test_rule_files"
        }
    }

    /// The types a fresh engine raises for `bytes`, and what the parser counted.
    static func judge(_ bytes: [UInt8], intelligence: Intelligence = Intelligence()) -> (types: Set<String>, statistics: ParseStatistics) {
        let engine = DetectionEngine(intelligence: intelligence, accountId: "123456789012", detectorId: "d")
        engine.clusterName = "minikube"
        var parser = KubernetesAuditParser()
        parser.parse(bytes) { engine.process($0) }
        return (Set(engine.findings().map(\.type)), parser.statistics)
    }

    @Test func everyFalcoTraceRaisesTheGuardDutyTypeItsFalcoRuleMapsTo() throws {
        let root = try SharedData.require().appendingPathComponent("k8s-audit")
        let rows = try String(contentsOf: root.appendingPathComponent("falco_expected_detections.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(FalcoRow.self, from: Data($0.utf8)) }
        // Falco's stock rules only (the other rows test Falco's rule language with made-up rules).
        var expectedRules: [String: Set<String>] = [:]
        for row in rows where row.extraTestRuleFiles.isEmpty {
            expectedRules[row.traceFile, default: []].formUnion(row.detect ? Set(row.detectCounts.keys) : [])
        }
        let traces = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("falco-trace-files").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(traces.count == 47)
        var events = 0
        var malformed: [String] = []
        var mismatches: [String] = []
        var table: [String] = []
        for trace in traces {
            let (types, statistics) = Self.judge(Array(try Data(contentsOf: root.appendingPathComponent("falco-trace-files/\(trace)"))))
            events += statistics.records
            if statistics.malformed > 0 { malformed.append(trace) }
            let falco = expectedRules[trace] ?? []
            for rule in falco { #expect(Self.falcoMapping.keys.contains(rule), "\(rule) (\(trace)) has no mapping") }
            let expected = Set(falco.compactMap { Self.falcoMapping[$0] ?? nil })
            if types != expected { mismatches.append("\(trace): expected \(expected.sorted()), raised \(types.sorted())") }
            table.append("\(trace) | \(falco.sorted().joined(separator: ", ")) | \(types.sorted().joined(separator: ", "))")
        }
        print("Falco traces (trace | Falco stock rules | Guardpost types):\n" + table.joined(separator: "\n"))
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(events == 51, "every event of the traces is read")
        #expect(malformed == ["fal_01_003.json"], "only the security fixture {\"kind\": 0} is malformed")
    }

    struct PantherCase: Decodable {
        var ruleId: String
        var expectedResult: Bool
        var testName: String
        var log: PantherRuleTests.AnyJSON

        enum CodingKeys: String, CodingKey {
            case ruleId = "rule_id"
            case expectedResult = "expected_result"
            case testName = "test_name"
            case log
        }
    }

    /// Panther rule → the Guardpost types that count as detecting what it detects, with the precision and recall
    /// reported in the README.
    static let pantherMappings: [(rules: Set<String>, types: @Sendable (String) -> Bool, name: String, precision: Double, recall: Double)] = [
        // Recall 0 by design and by data: of the five positives two logs have no verb (which every audit event
        // has; counted malformed) and three are what GuardDuty does not report either — a `/version` read, a
        // `/healthz` check from a public address (the public-information paths), and a request denied with 403.
        (
            ["Amazon.EKS.AnonymousAPIAccess", "Kubernetes.API.AnonymousAccess"], { $0.hasSuffix(":Kubernetes/SuccessfulAnonymousAccess") },
            "<Tactic>:Kubernetes/SuccessfulAnonymousAccess", 1.0, 0.0
        ),
        (["Kubernetes.Pod.Privileged.Created"], { $0 == "PrivilegeEscalation:Kubernetes/PrivilegedContainer" }, "PrivilegedContainer", 0.5, 1.0 / 3),
        (
            ["Kubernetes.Pod.Host.Network", "Kubernetes.Pod.Host.PID", "Kubernetes.Pod.Host.IPC"],
            { $0 == "PrivilegeEscalation:Kubernetes/PrivilegedContainer" }, "PrivilegedContainer (host namespaces)", 0.75, 1.0
        ),
        (["Kubernetes.Pod.HostPath.Volume"], { $0 == "Persistence:Kubernetes/ContainerWithSensitiveMount" }, "ContainerWithSensitiveMount", 1.0, 1.0),
        (["Kubernetes.API.IOC.Activity"], { $0.hasSuffix(":Kubernetes/TorIPCaller") }, "<Tactic>:Kubernetes/TorIPCaller", 1.0, 1.0),
    ]

    /// One Panther log as an audit line: Panther stripped most timestamps (171 of 188 logs have none), so a fixed
    /// one is added where it is missing; nothing else is changed (a log without a verb stays malformed).
    static func line(_ log: Any) throws -> (bytes: [UInt8], tor: [String]) {
        guard var object = log as? [String: Any] else { return ([], []) }
        if object["stageTimestamp"] == nil && object["requestReceivedTimestamp"] == nil {
            object["requestReceivedTimestamp"] = "2022-11-29T00:09:04.380000Z"
        }
        let tor = ((object["p_enrichment"] as? [String: Any])?["tor_exit_nodes"] as? [String]) ?? []
        return (Array(try JSONSerialization.data(withJSONObject: object)), tor)
    }

    @Test("precision and recall of the Panther rules that overlap", arguments: 0..<Self.pantherMappings.count)
    func panther(index: Int) throws {
        let mapping = Self.pantherMappings[index]
        let cases = try String(
            contentsOf: SharedData.require().appendingPathComponent("k8s-audit/panther_k8s_audit_rule_tests.jsonl"), encoding: .utf8
        )
        .split(separator: "\n").map { try JSONDecoder().decode(PantherCase.self, from: Data($0.utf8)) }
        .filter { mapping.rules.contains($0.ruleId) }
        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0
        var outcomes: [String] = []
        for test in cases {
            let (bytes, tor) = try Self.line(test.log.value)
            // The case's own enrichment is its intelligence (Panther marks Tor exits only there).
            let torFeed = IntelFeed(name: "tor", kind: .torExit, list: FeedParser.parse(Array(tor.joined(separator: "\n").utf8), format: .plain))
            let intelligence = Intelligence(addressSources: torFeed.addressSources, domainSources: [], places: Places())
            let detected = Self.judge(bytes, intelligence: intelligence).types.contains(where: mapping.types)
            switch (test.expectedResult, detected) {
            case (true, true): truePositives += 1
            case (false, true): falsePositives += 1
            case (true, false): falseNegatives += 1
            case (false, false): break
            }
            outcomes.append("  \(test.expectedResult ? "+" : "-") \(detected ? "detected" : "missed  ") \(test.ruleId): \(test.testName)")
        }
        let precision = truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        let recall = truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        print(
            "Panther \(mapping.rules.sorted().joined(separator: " + ")) → \(mapping.name): \(cases.count) cases, precision "
                + "\(precision), recall \(recall)\n" + outcomes.joined(separator: "\n"))
        #expect(abs(precision - mapping.precision) < 0.001 && abs(recall - mapping.recall) < 0.001, "precision \(precision), recall \(recall)")
    }

    /// guardduty-tester's EKS audit scenarios name nine types: every one is in the catalogue with resource type
    /// EKSCluster, and a rule raises it.
    @Test func theGuardDutyTesterEKSAuditTypesAreAllRaised() throws {
        let data = try Data(contentsOf: SharedData.require().appendingPathComponent("guardduty-tester/definitions.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let definitions = (root["definitions"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        let types = Set(definitions.filter { $0["logSource"] as? String == "eks-audit-logs" }.compactMap { $0["findingType"] as? String })
        #expect(types.count == 9)
        let raised = Set(DetectionRules.standard().kubernetes.flatMap(\.findingTypes).map(\.rawValue))
        for type in types {
            #expect(FindingCatalog.all[type]?.resourceType == "EKSCluster", "\(type)")
            #expect(raised.contains(type), "\(type) is raised by no Kubernetes rule")
        }
        print("guardduty-tester EKS audit types: \(types.sorted().joined(separator: ", "))")
    }
}
