import Detection
import Foundation
import Testing

/// `KubernetesAuditParser` on what kube-apiserver writes and on hostile input: every line is read or counted as
/// malformed, nothing crashes, and what the rules would trust is never half-read.
@Suite("Kubernetes audit parser")
struct KubernetesParserTests {
    typealias K = KubernetesAudit

    static func parse(_ text: [UInt8]) -> (events: [KubernetesAuditEvent], statistics: ParseStatistics) {
        var parser = KubernetesAuditParser()
        var events: [KubernetesAuditEvent] = []
        parser.parse(text) { events.append($0) }
        return (events, parser.statistics)
    }

    static func parse(_ text: String) -> (events: [KubernetesAuditEvent], statistics: ParseStatistics) { Self.parse(Array(text.utf8)) }

    @Test func theFieldsTheRulesReadAreReadFromV1V1beta1AndVersionlessEvents() throws {
        let v1 = K.event(
            "create", "pods", namespace: "kube-system", name: "coredns-1", subresource: "exec", user: "admin", groups: ["system:masters"],
            code: 101, from: "198.51.100.7", stage: "ResponseStarted", auditID: "a-1", decision: "allow")
        let v1beta1 = v1.replacingOccurrences(of: "audit.k8s.io/v1", with: "audit.k8s.io/v1beta1")
        let versionless = v1.replacingOccurrences(of: #""apiVersion":"audit.k8s.io/v1","#, with: "")
        let (events, statistics) = Self.parse([v1, v1beta1, versionless].joined(separator: "\r\n") + "\n\n")
        #expect(statistics.records == 3 && statistics.malformed == 0 && events.count == 3)
        let event = try #require(events.first)
        #expect(event.verb == "create" && event.resource == "pods" && event.subresource == "exec" && event.namespace == "kube-system")
        #expect(event.name == "coredns-1" && event.username == "admin" && event.groups == ["system:masters"] && event.statusCode == 101)
        #expect(event.sourceIPs == ["198.51.100.7"] && event.stage == "ResponseStarted" && event.auditID == "a-1")
        #expect(event.authorizationDecision == "allow" && event.userAgent?.hasPrefix("kubectl/") == true)
        #expect(event.time == 1_796_032_800)
        #expect(event.requestURI == "/api/v1/namespaces/kube-system/pods/coredns-1/exec")
    }

    @Test func anEventListDocumentDeliversItsEvents() {
        let items = [K.event("get", "pods"), K.event("list", "nodes")].joined(separator: ",")
        let (events, statistics) = Self.parse(#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[\#(items)]}"#)
        #expect(events.map(\.verb) == ["get", "list"] && statistics.malformed == 0)
    }

    @Test func membersThatAreNullOrNotObjectsAreReadAsAbsent() {
        let good = K.event("get", "pods")
        let lines = [
            good.replacingOccurrences(of: #""user":{"#, with: #""user":"root","ignored":{"#),
            good.replacingOccurrences(of: #""objectRef":{"#, with: #""objectRef":[1],"ignored":{"#),
            good.replacingOccurrences(of: #""responseStatus":{"#, with: #""responseStatus":null,"ignored":{"#),
            good.replacingOccurrences(of: #"{"apiVersion""#, with: #"{"annotations":null,"impersonatedUser":null,"apiVersion""#),
            "\u{FEFF}" + good,
        ]
        for line in lines {
            let (events, statistics) = Self.parse(line)
            #expect(events.count == 1 && statistics.malformed == 0, "\(line.prefix(300))")
        }
    }

    @Test func cloudWatchLogsExportLinesAndSubscriptionRecordsDeliverTheirEvents() throws {
        let first = K.event("get", "pods")
        let second = K.event("list", "nodes")
        // An export: `TIMESTAMP {event}`.
        let (exported, exportStatistics) = Self.parse("2026-11-30T10:00:00.000Z " + first + "\n2026-11-30T10:00:01.000Z " + second)
        #expect(exported.map(\.verb) == ["get", "list"] && exportStatistics.malformed == 0)
        // A subscription filter's record: the events as escaped strings; a control message holds none.
        let messages = try [first, second].map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let record =
            #"{"messageType":"DATA_MESSAGE","owner":"111111111111","logGroup":"/aws/eks/prod/cluster","logStream":"kube-apiserver-audit-1","logEvents":["#
            + messages.enumerated().map { #"{"id":"\#($0.offset)","timestamp":1764496800000,"message":\#($0.element)}"# }.joined(separator: ",")
            + "]}"
        let control =
            #"{"messageType":"CONTROL_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination"}]}"#
        let (delivered, statistics) = Self.parse(record + "\n" + control)
        #expect(delivered.map(\.verb) == ["get", "list"] && statistics.malformed == 0 && statistics.records == 2)
    }

    @Test func recordsOfAnotherShapeAreCountedAsMalformed() {
        let good = K.event("get", "pods")
        let lines = [
            #"{"kind": 0}"#,  // Falco's fal_01_003 fixture
            good.replacingOccurrences(of: "audit.k8s.io/v1", with: "audit.k8s.io/v2"),
            good.replacingOccurrences(of: #""apiVersion":"audit.k8s.io/v1""#, with: #""apiVersion":7"#),
            good.replacingOccurrences(of: #""kind":"Event""#, with: #""kind":"Pod""#),
            good.replacingOccurrences(of: #""verb":"get""#, with: #""verb":5"#),
            good.replacingOccurrences(of: #","verb":"get""#, with: ""),
            String(good.dropLast(40)),  // cut short
            #"["not","an","object"]"#,
            "not json at all",
            good + "}",  // trailing garbage
        ]
        for line in lines { #expect(Self.parse(line).statistics.malformed == 1, "\(line.prefix(300))") }
        let (events, statistics) = Self.parse(lines.joined(separator: "\n"))
        #expect(events.isEmpty && statistics.malformed == lines.count && statistics.records == 0)
    }

    @Test func optionalFieldsOfTheWrongTypeAreIgnoredNotTrusted() throws {
        let line = K.event("get", "pods", name: "x")
            .replacingOccurrences(of: #""sourceIPs":["10.0.4.20"]"#, with: #""sourceIPs":"10.0.4.20""#)
            .replacingOccurrences(of: #""code":200"#, with: #""code":"200""#)
            .replacingOccurrences(of: #""userAgent":"kubectl"#, with: #""userAgent":null,"x":"kubectl"#)
        let (events, statistics) = Self.parse(line)
        let event = try #require(events.first)
        #expect(statistics.malformed == 0 && event.sourceIPs.isEmpty && event.statusCode == 0 && event.userAgent == nil)
    }

    @Test func deepNestingHugeLinesAndBadUTF8NeitherCrashNorStall() throws {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        let deepObject = String(repeating: #"{"spec":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let nested = K.event("create", "pods", namespace: "default", code: 201)
            .replacingOccurrences(
                of: #""level":"RequestResponse""#, with: #""level":"RequestResponse","extra":\#(deep),"requestObject":\#(deepObject)"#)
        let huge = K.event("get", "pods").replacingOccurrences(of: "kubectl/v1.30.2", with: String(repeating: "k", count: 8_000_000))
        var badUTF8 = Array(K.event("get", "pods", user: "MARK").utf8)
        let mark = Array("MARK".utf8)
        if let at = (0...(badUTF8.count - 4)).last(where: { Array(badUTF8[$0..<$0 + 4]) == mark }) {
            badUTF8.replaceSubrange(at..<at + 4, with: [0xFF, 0xFE, 0xC0, 0x80])
        }
        let text = Array((nested + "\n" + huge + "\n").utf8) + badUTF8 + Array("\n".utf8)
        let engine = KubernetesAudit().engine
        var parser = KubernetesAuditParser()
        var users: [String?] = []
        parser.parse(text) {
            users.append($0.username)
            engine.process($0)
        }
        #expect(parser.statistics.records == 3 && parser.statistics.malformed == 0)
        #expect(users.last??.unicodeScalars.contains("\u{FFFD}") == true)
        _ = engine.findings()
    }

    @Test func randomDamageToAuditLinesIsReadOrCountedNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        let seeds = [
            K.event(
                "create", "pods", namespace: "default", code: 201,
                request: K.pod("p", spec: K.podSpec(containers: [K.container("c", "i", privileged: true)]))),
            K.event(
                "create", "clusterrolebindings", code: 201,
                request: K.binding("ClusterRoleBinding", "b", role: "cluster-admin", subjects: [["kind": "Group", "name": "system:unauthenticated"]])),
        ].map { Array($0.utf8) }
        let engine = KubernetesAudit().engine
        for round in 0..<3_000 {
            var line = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let at = Int.random(in: 0..<line.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: line[at] = UInt8.random(in: 0...255, using: &generator)
                case 1: line.remove(at: at)
                default: line.insert(Array(#"{}[]",:\"#.utf8).randomElement(using: &generator)!, at: at)
                }
            }
            line.removeAll { $0 == 10 }
            var parser = KubernetesAuditParser()
            parser.parse(line) { engine.process($0) }
            let blank = !line.contains { $0 != 32 && $0 != 13 && $0 != 9 }
            #expect(blank || parser.statistics.records + parser.statistics.malformed >= 1)
        }
        _ = engine.findings()
    }
}
