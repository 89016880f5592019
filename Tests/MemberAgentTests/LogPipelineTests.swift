import Detection
import Foundation
import GuardDutyModel
import SigV4
import Testing

@testable import MemberAgent

/// The one pipeline of `scan` (whole files) and `run` (followed files).
@Suite("Log pipeline")
struct LogPipelineTests {
    /// An engine whose intelligence holds a threat list of `evil.example.net`, built as the agent builds it.
    func engine(_ directory: String) throws -> DetectionEngine {
        let content = Array("evil.example.net\n".utf8)
        let sha256 = SigV4Encoding.sha256Hex(content)
        try FileManager.default.createDirectory(atPath: "\(directory)/lists", withIntermediateDirectories: true)
        try DurableFile.write(content, to: "\(directory)/lists/\(sha256)")
        let list = AgentConfig.ListDescriptor(
            id: "l", kind: "THREAT_ENTITY_SET", name: "threats.txt", format: "TXT", sha256: sha256, entryCount: 1, trusted: false
        )
        let config = AgentConfig(
            detectorId: "d", accountId: "111122223333", region: "us-east-1", version: 1, status: "ENABLED",
            findingPublishingFrequency: "SIX_HOURS", features: [:], administratorId: nil, lists: [list]
        )
        let cache = ListCache(directory: "\(directory)/lists", builtIn: BuiltInIntelligence(directory: nil))
        return DetectionEngine(intelligence: try cache.intelligence(for: config), detectorId: "d")
    }

    @Test func aFileScannedWholeAndTheSameFileFollowedAsItGrowsGiveTheSameFindings() throws {
        let directory = try temporaryDirectory()
        let log = "\(directory)/resolver.log"
        let lines = [("a.evil.example.net.", "i-1"), ("www.example.com.", "i-1"), ("b.evil.example.net.", "i-2"), ("a.evil.example.net.", "i-1")]
            .map { AgentRuntimeTests.query($0.0, instance: $0.1) }
        let followed = LogPipeline(engine: try self.engine("\(directory)/followed"))
        let tailer = LogTailer(dataSource: .dnsLogs, path: log)
        var yielded = 0
        for part in [lines[..<1], lines[1...]] {
            try append(part.joined(), to: log)
            try tailer.poll { file, path, bytes, fromStart in
                yielded += followed.ingest(bytes, from: .dnsLogs, file: file, path: path, fromStart: fromStart).records
            }
        }
        let scanned = LogPipeline(engine: try self.engine("\(directory)/scanned"))
        try scanned.scan([log], as: .dnsLogs)

        #expect(yielded == 4)
        #expect(scanned.statistics(of: .dnsLogs).records == 4 && followed.statistics(of: .dnsLogs).records == 4)
        let summary = { (pipeline: LogPipeline) in
            pipeline.engine.findings().map { "\($0.type) \($0.resource.instanceDetails?.instanceId ?? "-") ×\($0.service.count)" }.sorted()
        }
        #expect(summary(scanned) == ["Impact:EC2/MaliciousDomainRequest.Custom i-1 ×2", "Impact:EC2/MaliciousDomainRequest.Custom i-2 ×1"])
        #expect(summary(followed) == summary(scanned))
    }

    /// A learned rule starts an instance's history at its first record: day 3 named before day 1 must not make day 3's
    /// unusual port part of what was learned. The scan reads files in record-time order, whatever order they are named.
    @Test func filesNamedInAnyOrderAreScannedInRecordTimeOrder() throws {
        let directory = try temporaryDirectory()
        let start: Int64 = 1_790_000_000
        func line(_ time: Int64, port: Int) -> String {
            "2 123456789012 eni-a 10.0.0.5 93.184.216.34 49152 \(port) 6 10 5000 \(time) \(time + 60) ACCEPT OK\n"
        }
        let days = [
            (0..<48).map { line(start + Int64($0) * 1800, port: 443) }.joined(),
            line(start + 2 * 86_400, port: 6667),
        ]
        let paths = ["\(directory)/b-day1.log", "\(directory)/a-day3.log"]
        for (path, text) in zip(paths, days) { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }
        #expect(LogPipeline.inTimeOrder(paths.reversed(), as: .flowLogs) == paths)
        for order in [paths, paths.reversed()] {
            let pipeline = LogPipeline(engine: DetectionEngine(intelligence: Intelligence(), detectorId: "d"))
            try pipeline.scan(order, as: .flowLogs)
            #expect(pipeline.engine.findings().map(\.type) == ["Behavior:EC2/NetworkPortUnusual"])
        }
    }
}
