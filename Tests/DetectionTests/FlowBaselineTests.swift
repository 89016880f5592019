import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// Learned behaviour from flow logs, and black-holed addresses.
@Suite("Flow baselines")
struct FlowBaselineTests {
    static let start: Int64 = 1_790_000_000

    /// A default-format (v2) flow line from 10.0.0.5 on eni-a to `remote`:`port`.
    static func outbound(_ time: Int64, remote: String = "93.184.216.34", port: Int = 443, bytes: Int = 5_000, interface: String = "eni-a") -> String
    {
        "2 123456789012 \(interface) 10.0.0.5 \(remote) 49152 \(port) 6 10 \(bytes) \(time) \(time + 60) ACCEPT OK"
    }

    func findings(_ lines: [String], blackholes: [String] = []) -> [String: Finding] {
        let networks = ListParser.parse(Array(blackholes.joined(separator: "\n").utf8), format: .txt, content: .addresses).networks
        let engine = DetectionEngine(intelligence: Intelligence(blackholes: networks), detectorId: "d")
        var parser = FlowLogParser(names: engine.names)
        parser.parse(Array(lines.joined(separator: "\n").utf8)) { engine.process($0) }
        return Dictionary(engine.findings().map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A day and an hour of ordinary HTTPS every 30 minutes.
    var learnedDay: [String] { (0..<50).map { Self.outbound(Self.start + Int64($0) * 1800) } }

    @Test func aPortNeverUsedWhileLearningIsUnusualAfterwardsButNotDuringLearning() {
        let after = Self.start + 25 * 3600
        let found = self.findings(self.learnedDay + [Self.outbound(after, port: 6667), Self.outbound(after + 60, port: 443)])
        let unusual = found["Behavior:EC2/NetworkPortUnusual"]
        #expect(unusual?.service.action.networkConnectionAction?.remotePortDetails?.port == 6667)
        #expect(unusual?.service.resourceRole == "ACTOR" && unusual?.severity == 5)
        // The same port while the instance is still being learned, and the learned port afterwards: nothing.
        #expect(self.findings([Self.outbound(Self.start), Self.outbound(Self.start + 600, port: 6667)]).isEmpty)
        #expect(self.findings(self.learnedDay + [Self.outbound(after, port: 443)]).isEmpty)
        // Another instance has its own baseline: its first day is learning, whatever the first one learned.
        #expect(self.findings(self.learnedDay + [Self.outbound(after, port: 8443, interface: "eni-b")]).isEmpty)
    }

    /// A custom format without interface-id or instance-id: each private address is learned on its own.
    @Test func formatsWithoutInterfaceOrInstanceLearnPerAddress() {
        let header = "version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
        func line(_ time: Int64, local: String = "10.0.0.5", port: Int = 443) -> String {
            "5 \(local) 93.184.216.34 49152 \(port) 6 10 5000 \(time) \(time + 60) ACCEPT OK"
        }
        let after = Self.start + 25 * 3600
        let day = (0..<50).map { line(Self.start + Int64($0) * 1800) }
        let unusual = self.findings([header] + day + [line(after, port: 6667)])["Behavior:EC2/NetworkPortUnusual"]
        #expect(unusual?.service.action.networkConnectionAction?.remotePortDetails?.port == 6667)
        // Another address is another instance, still learning.
        #expect(self.findings([header] + day + [line(Self.start + 7200, local: "10.0.0.6"), line(after, local: "10.0.0.6", port: 6667)]).isEmpty)
    }

    @Test func aWindowFarAboveTheLearnedVolumeIsUnusualAndAModestRiseIsNot() {
        let after = Self.start + 25 * 3600
        let burst = (0..<6).map { Self.outbound(after + Int64($0) * 60, bytes: 100_000_000) }
        let found = self.findings(self.learnedDay + burst + [Self.outbound(after + 7200)])
        #expect(found["Behavior:EC2/TrafficVolumeUnusual"] != nil)
        let modest = (0..<6).map { Self.outbound(after + Int64($0) * 60, bytes: 20_000) }
        #expect(self.findings(self.learnedDay + modest + [Self.outbound(after + 7200)])["Behavior:EC2/TrafficVolumeUnusual"] == nil)
    }

    @Test func outboundTrafficToABlackHoledAddressIsReportedAndInboundIsNot() {
        let found = self.findings([Self.outbound(Self.start, remote: "203.0.113.66")], blackholes: ["203.0.113.66"])
        // 203.0.113.0/24 is documentation space: never a remote hit. A public address is.
        #expect(found.isEmpty)
        let hit = self.findings([Self.outbound(Self.start, remote: "45.9.20.66")], blackholes: ["45.9.20.0/24"])
        #expect(hit["Trojan:EC2/BlackholeTraffic"]?.severity == 5)
        let inbound = "2 123456789012 eni-a 45.9.20.66 10.0.0.5 40000 443 6 10 5000 \(Self.start) \(Self.start + 60) ACCEPT OK"
        #expect(self.findings([inbound], blackholes: ["45.9.20.0/24"])["Trojan:EC2/BlackholeTraffic"] == nil)
    }
}
