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
}
