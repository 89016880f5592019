import Detection
import Foundation
import GuardDutyModel
import ThreatLists

/// Test helper: Kubernetes audit events written as kube-apiserver writes them, and an engine that reads them
/// through `KubernetesAuditParser` (cluster "prod-eu", intelligence with a custom threat list, a malicious feed and
/// a Tor feed).
struct KubernetesAudit {
    let engine: DetectionEngine
    var parser = KubernetesAuditParser()

    static let threatListAddress = "91.240.118.66"
    static let maliciousAddress = "45.9.20.20"
    static let torAddress = "185.220.101.50"

    init(learningSeconds: Int64 = 86_400) {
        let threats = ListParser.parse(Array(Self.threatListAddress.utf8), format: .txt, content: .addresses)
        let feeds = [
            IntelFeed(name: "phish-ips", kind: .maliciousIP, list: FeedParser.parse(Array(Self.maliciousAddress.utf8), format: .plain)),
            IntelFeed(name: "tor", kind: .torExit, list: FeedParser.parse(Array(Self.torAddress.utf8), format: .plain)),
        ]
        var thresholds = DetectionEngine.Thresholds()
        thresholds.baselineLearningSeconds = learningSeconds
        self.engine = DetectionEngine(
            intelligence: Intelligence(
                threatLists: [("tenant-blocklist.txt", threats)], addressSources: feeds.flatMap(\.addressSources),
                domainSources: [], places: Places()),
            accountId: "123456789012", detectorId: "d0000000000000000000000000000000", thresholds: thresholds)
        self.engine.clusterName = "prod-eu"
    }

    /// One audit event as a JSON line.
    static func event(
        _ verb: String, _ resource: String? = nil, namespace: String? = nil, name: String? = nil, subresource: String? = nil,
        user: String = "alice@example.com", groups: [String] = ["system:authenticated"], code: Int = 200, from ip: String = "10.0.4.20",
        uri: String? = nil, stage: String = "ResponseComplete", auditID: String = UUID().uuidString, time: String = "2026-11-30T10:00:00.000000Z",
        userAgent: String = "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350", request: Any? = nil, response: Any? = nil,
        decision: String? = nil
    ) -> String {
        var object: [String: Any] = [:]
        if let resource { object["resource"] = resource }
        if let namespace { object["namespace"] = namespace }
        if let name { object["name"] = name }
        if let subresource { object["subresource"] = subresource }
        var path = "/api/v1"
        if let namespace { path += "/namespaces/\(namespace)" }
        if let resource { path += "/\(resource)" }
        if let name { path += "/\(name)" }
        if let subresource { path += "/\(subresource)" }
        var event: [String: Any] = [
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse", "auditID": auditID, "stage": stage,
            "requestURI": uri ?? path, "verb": verb, "user": ["username": user, "uid": "uid-\(user)", "groups": groups],
            "sourceIPs": [ip], "userAgent": userAgent, "objectRef": object, "responseStatus": ["metadata": [:], "code": code],
            "requestReceivedTimestamp": time, "stageTimestamp": time,
        ]
        if let request { event["requestObject"] = request }
        if let response { event["responseObject"] = response }
        if let decision { event["annotations"] = ["authorization.k8s.io/decision": decision, "authorization.k8s.io/reason": ""] }
        let data = try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A pod (or a workload's pod template) with the given containers and volumes.
    static func podSpec(
        containers: [[String: Any]], volumes: [[String: Any]] = [], hostNetwork: Bool = false, serviceAccount: String? = nil
    ) -> [String: Any] {
        var spec: [String: Any] = ["containers": containers, "volumes": volumes]
        if hostNetwork { spec["hostNetwork"] = true }
        if let serviceAccount { spec["serviceAccountName"] = serviceAccount }
        return spec
    }

    static func container(_ name: String, _ image: String, privileged: Bool? = nil, mounts: [[String: Any]] = []) -> [String: Any] {
        var container: [String: Any] = ["name": name, "image": image, "volumeMounts": mounts]
        if let privileged { container["securityContext"] = ["privileged": privileged] }
        return container
    }

    static func pod(_ name: String, namespace: String = "default", spec: [String: Any]) -> [String: Any] {
        ["kind": "Pod", "apiVersion": "v1", "metadata": ["name": name, "namespace": namespace], "spec": spec]
    }

    static func deployment(_ name: String, namespace: String = "default", spec: [String: Any]) -> [String: Any] {
        [
            "kind": "Deployment", "apiVersion": "apps/v1", "metadata": ["name": name, "namespace": namespace],
            "spec": ["replicas": 2, "template": ["metadata": ["labels": ["app": name]], "spec": spec]],
        ]
    }

    static func binding(
        _ kind: String, _ name: String, namespace: String? = nil, role: String, roleKind: String = "ClusterRole", subjects: [[String: Any]]
    ) -> [String: Any] {
        var metadata: [String: Any] = ["name": name]
        if let namespace { metadata["namespace"] = namespace }
        return [
            "kind": kind, "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": metadata,
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": roleKind, "name": role], "subjects": subjects,
        ]
    }

    mutating func feed(_ lines: [String]) {
        let engine = self.engine
        self.parser.parse(Array(lines.joined(separator: "\n").utf8)) { engine.process($0) }
    }

    /// The findings so far.
    func findings() -> [Finding] { self.engine.findings() }

    /// The finding types so far, with how many findings each.
    func types() -> [String: Int] { Dictionary(self.findings().map { ($0.type, 1) }, uniquingKeysWith: +) }
}
