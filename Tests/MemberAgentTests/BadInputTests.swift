import Detection
import Foundation
import Testing

@testable import MemberAgent

/// Bad input in a followed or scanned directory (issue 17's attack report): a truncated or corrupt gzip file, a line
/// longer than any read, a rotated file whose last line has no newline. None of them stops the agent or the scan;
/// each bad file or line counts once as malformed.
@Suite("Bad log input")
struct BadInputTests {
    /// `{"a":1}\n{"b":2}\n`, gzipped.
    static let gzip: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0x4a, 0x54, 0xb2, 0x32, 0xac, 0xe5, 0xaa, 0x56, 0x4a, 0x52,
        0xb2, 0x32, 0xaa, 0xe5, 0x02, 0x00, 0xc8, 0xb2, 0xce, 0x9f, 0x10, 0x00, 0x00, 0x00,
    ]

    /// `one\n`, 200,000 `A`s, `\ntwo\n`, gzipped (a run of zeros in its middle).
    static let longLineGzip: [UInt8] =
        [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc1, 0x31, 0x11, 0x00, 0x20, 0x0c, 0x04, 0xb0, 0xfd, 0x5d, 0x21,
            0x86, 0x95, 0x2e, 0xbd, 0xc3, 0x7e, 0x35, 0x74, 0x4f, 0x52, 0xef, 0xe6,
        ] + [UInt8](repeating: 0, count: 194) + [0x6b, 0xe9, 0x5f, 0x19, 0x4b, 0x1f, 0xd1, 0x55, 0x49, 0x0d, 0x03, 0x00]

    /// What the polls of a tailer delivered (lines) and reported unreadable (paths).
    final class Drained {
        var lines: [String] = []
        var unreadable: [String] = []
    }

    func poll(_ tailer: LogTailer, into drained: Drained) throws {
        try tailer.poll { _, _, bytes, _ in
            drained.lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        } unreadable: { path, _, _ in
            drained.unreadable.append((path as NSString).lastPathComponent)
        }
    }

    func write(_ bytes: some Sequence<UInt8>, to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func aTruncatedGzipIsRetriedWhileItMayStillBeWrittenThenCountedOnceAndReadWhenItChanges() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try self.write(Self.gzip.prefix(12), to: "\(directory)/audit-1.log.gz")
        try append("plain\n", to: "\(directory)/audit-2.log")
        let tailer = LogTailer(dataSource: .kubernetesAuditLogs, path: directory)
        var now = 1_000.0
        tailer.clock = { now }
        let drained = Drained()
        // Seen, then read once its size held still: truncated, so left for later; the other file is read meanwhile.
        try self.poll(tailer, into: drained)
        try self.poll(tailer, into: drained)
        #expect(drained.lines == ["plain"])
        // The writer adds to it 59 s later: still truncated, and the 60 s start again from the new size.
        now += 59
        try self.write(Self.gzip.prefix(20), to: "\(directory)/audit-1.log.gz")
        try self.poll(tailer, into: drained)
        try self.poll(tailer, into: drained)
        now += 59
        try self.poll(tailer, into: drained)
        #expect(drained.unreadable.isEmpty)
        // Unchanged for 60 s: given up on, reported once, however often it is polled after.
        now += 1
        try self.poll(tailer, into: drained)
        now += 600
        try self.poll(tailer, into: drained)
        #expect(drained.unreadable == ["audit-1.log.gz"])
        // Nor again by an agent restarted from the checkpoint.
        let restarted = LogTailer(dataSource: .kubernetesAuditLogs, path: directory, cursors: Array(tailer.cursors.values))
        try self.poll(restarted, into: drained)
        try self.poll(restarted, into: drained)
        #expect(drained.unreadable == ["audit-1.log.gz"])
        // Changed but still truncated: tried again, given up on again, not counted again.
        restarted.clock = { now }
        try self.write(Self.gzip.prefix(25), to: "\(directory)/audit-1.log.gz")
        try self.poll(restarted, into: drained)
        try self.poll(restarted, into: drained)
        now += 61
        try self.poll(restarted, into: drained)
        #expect(restarted.cursors.values.contains { $0.unreadable == true && $0.offset == 25 })
        #expect(drained.unreadable == ["audit-1.log.gz"])
        // Completed later (its size changes): read whole.
        try self.write(Self.gzip, to: "\(directory)/audit-1.log.gz")
        try self.poll(restarted, into: drained)
        try self.poll(restarted, into: drained)
        #expect(drained.lines == ["plain", #"{"a":1}"#, #"{"b":2}"#])
        #expect(drained.unreadable == ["audit-1.log.gz"])
    }

    @Test func aLineLongerThanAnyReadIsSkippedToItsNewlineAndCountedOnce() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = "\(directory)/audit.log"
        try append("first\n" + String(repeating: "A", count: 50), to: file)
        let tailer = LogTailer(dataSource: .kubernetesAuditLogs, path: file)
        tailer.maxBytesPerPoll = 16
        let drained = Drained()
        for _ in 0..<6 { try self.poll(tailer, into: drained) }
        // The line goes on being written: it is skipped to its end, and the lines after it are read.
        try append(String(repeating: "A", count: 30) + "\nafter\nnext\n", to: file)
        for _ in 0..<6 { try self.poll(tailer, into: drained) }
        #expect(drained.lines == ["first", "after", "next"])
        #expect(drained.unreadable == ["audit.log"])
    }

    @Test func aRotatedFileIsReadToItsEndItsUnterminatedLastLineIncluded() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = "\(directory)/audit.log"
        try append("a\nb\n", to: file)
        let tailer = LogTailer(dataSource: .kubernetesAuditLogs, path: file)
        tailer.maxBytesPerPoll = 8
        let drained = Drained()
        try self.poll(tailer, into: drained)
        // More than one read's worth written, the last line without its newline, then rotated away and deleted.
        try append("c\nd\ne\nf\ng\nlast", to: file)
        try FileManager.default.moveItem(atPath: file, toPath: "\(file).1")
        try FileManager.default.removeItem(atPath: "\(file).1")
        try self.poll(tailer, into: drained)
        #expect(drained.lines == ["a", "b", "c", "d", "e", "f", "g", "last"])
        #expect(tailer.cursors.isEmpty)
    }

    @Test func theRunningAgentKeepsFollowingPastACorruptGzipAndAnOverlongLineAndReportsTheLine() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let audit = "\(directory)/audit"
        try FileManager.default.createDirectory(atPath: audit, withIntermediateDirectories: true)
        try self.write([0x1f, 0x8b] + Array("not gzip at all".utf8), to: "\(audit)/audit-1.log.gz")
        // A line of 64 MiB of NULs (a sparse file: no disk), then a real event.
        let log = "\(audit)/audit-2.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.truncate(atOffset: (64 << 20) + 10)
        try handle.close()
        try append("\n" + KubernetesAuditAgentTests.privilegedPod("web", second: 1), to: log)
        let channel = FakeChannel()
        let agent = try AgentRuntimeTests.Agent(
            state: "\(directory)/state", log: "\(directory)/resolver.log", channel: channel, kubernetesAuditLogs: [audit])
        try await AgentRuntimeTests.eventually("the event after the long line read, the line reported as one error") {
            let source = await channel.heartbeats.last?.sources.first { $0.dataSource == "KUBERNETES_AUDIT_LOGS" }
            return source?.records == 1 && source?.errors == 1
        }
        // Still running: the corrupt gzip file (retried for a minute before it is counted) did not end it.
        try await agent.stop()
    }

    @Test func aScanCountsABadGzipFileAsMalformedAndReadsTheOthers() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try self.write(Self.gzip.prefix(20), to: "\(directory)/audit-1.log.gz")
        try self.write([0x1f, 0x8b] + Array("not gzip at all".utf8), to: "\(directory)/audit-2.log.gz")
        try append(KubernetesAuditAgentTests.privilegedPod("web", second: 1), to: "\(directory)/audit-3.log")
        let engine = DetectionEngine(
            intelligence: BuiltInIntelligence(directory: nil).intelligence(threatLists: [], trustedLists: []), detectorId: "d")
        let pipeline = LogPipeline(engine: engine)
        var warnings: [String] = []
        try pipeline.scan([directory], as: .kubernetesAuditLogs) { warnings.append($0) }
        let statistics = pipeline.statistics(of: .kubernetesAuditLogs)
        #expect(statistics.records == 1)
        #expect(statistics.malformed == 2)
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.contains("audit-1.log.gz") || $0.contains("audit-2.log.gz") })
    }

    @Test func aScannedLineOverTheCapIsSkippedInPlainAndGzipFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = "\(directory)/plain.log"
        try append("one\n" + String(repeating: "\0", count: 100) + "\ntwo\nthree", to: plain)
        var lines: [String] = []
        let skipped = try LogInput.forEachChunk(plain, chunkSize: 8, maxLineBytes: 32) {
            lines += String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        #expect(lines == ["one", "two", "three"])
        #expect(skipped == 1)
        // Gzipped: a 200,000-byte line, decompressed in pieces, over the cap of 1,000 bytes.
        let gzipped = "\(directory)/audit.log.gz"
        try self.write(Self.longLineGzip, to: gzipped)
        lines = []
        let skippedGzip = try LogInput.forEachChunk(gzipped, chunkSize: 8, maxLineBytes: 1_000) {
            lines += String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        #expect(lines == ["one", "two"])
        #expect(skippedGzip == 1)
    }
}
