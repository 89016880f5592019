import Foundation

/// Kubernetes audit logs as `kube-apiserver --audit-log-path` writes them: one `Event` object per line (also a
/// `{"kind":"EventList","items":[…]}` document). Events of `audit.k8s.io/v1` and `v1beta1`, and events without an
/// `apiVersion`, are read; any other line is counted as malformed and skipped.
public struct KubernetesAuditParser {
    public var statistics = ParseStatistics()

    public init() {}

    public mutating func parse(_ data: [UInt8], _ body: (KubernetesAuditEvent) -> Void) {
        self.statistics.bytes += data.count
        var lineNumber = 0
        for line in data.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                self.statistics.malformed(lineNumber, String(decoding: line, as: UTF8.self), "not a JSON object")
                continue
            }
            if object["kind"] as? String == "EventList", let items = object["items"] as? [Any] {
                for item in items { self.event(item, line: lineNumber, body) }
            } else {
                self.event(object, line: lineNumber, body)
            }
        }
    }

    private mutating func event(_ value: Any, line: Int, _ body: (KubernetesAuditEvent) -> Void) {
        let reason = "not a Kubernetes audit event (kind Event of audit.k8s.io/v1 or v1beta1 with verb and a timestamp)"
        guard let record = value as? [String: Any], record["kind"] == nil || record["kind"] as? String == "Event",
            Self.isAuditVersion(record["apiVersion"]), let verb = record["verb"] as? String,
            let time = (record["stageTimestamp"] ?? record["requestReceivedTimestamp"] ?? record["timestamp"]).flatMap({ $0 as? String })
                .flatMap(Timestamps.parse)
        else {
            self.statistics.malformed(line, "\(value)", reason)
            return
        }
        var event = KubernetesAuditEvent(time: time, verb: verb)
        event.auditID = record["auditID"] as? String
        event.stage = record["stage"] as? String
        event.requestURI = record["requestURI"] as? String
        if let user = record["user"] as? [String: Any] {
            event.username = user["username"] as? String
            event.uid = user["uid"] as? String
            event.groups = user["groups"] as? [String] ?? []
        }
        if let user = record["impersonatedUser"] as? [String: Any] {
            event.impersonatedUsername = user["username"] as? String
            event.impersonatedGroups = user["groups"] as? [String] ?? []
        }
        event.sourceIPs = record["sourceIPs"] as? [String] ?? []
        event.userAgent = record["userAgent"] as? String
        if let object = record["objectRef"] as? [String: Any] {
            event.resource = object["resource"] as? String
            event.subresource = object["subresource"] as? String
            event.namespace = object["namespace"] as? String
            event.name = object["name"] as? String
            event.apiGroup = object["apiGroup"] as? String
        }
        event.statusCode = (record["responseStatus"] as? [String: Any])?["code"] as? Int ?? 0
        if let annotations = record["annotations"] as? [String: Any] {
            event.authorizationDecision = annotations["authorization.k8s.io/decision"] as? String
            event.authorizationReason = annotations["authorization.k8s.io/reason"] as? String
        }
        if let object = record["requestObject"], let bytes = try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]) {
            event.requestObject = Array(bytes)
        }
        if let object = record["responseObject"], let bytes = try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]) {
            event.responseObject = Array(bytes)
        }
        self.statistics.records += 1
        body(event)
    }

    /// `audit.k8s.io/v1`, `audit.k8s.io/v1beta1`, or no `apiVersion` at all.
    static func isAuditVersion(_ value: Any?) -> Bool {
        guard let value else { return true }
        guard let text = value as? String else { return false }
        return text == "audit.k8s.io/v1" || text == "audit.k8s.io/v1beta1"
    }
}
