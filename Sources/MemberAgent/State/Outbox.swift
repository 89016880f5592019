import Foundation
import GuardDutyModel
import NIOConcurrencyHelpers

/// The agent's durable outbox: findings wait here, one file per batch named by a growing sequence number, until the
/// administrator acknowledges them. Batches are sent oldest first; a batch the server refuses as invalid moves to
/// `rejected/` with the reason beside it (kept for the operator, counted, never silently dropped).
public final class Outbox: Sendable {
    public let directory: String
    /// The number of the next batch file.
    private let nextSequence: NIOLockedValueBox<UInt64>
    /// Findings per batch file: well under the channel's 500 and its 1 MiB body limit for GuardDuty-sized findings.
    public static let batchSize = 200

    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: "\(directory)/rejected", withIntermediateDirectories: true)
        let existing = try Self.batchNames(directory)
        self.nextSequence = NIOLockedValueBox((existing.last.flatMap { UInt64($0.prefix(20)) } ?? 0) + 1)
    }

    static func batchNames(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".batch.json") && !$0.contains(".tmp-") }.sorted()
    }

    /// Writes the findings as one or more batch files, durably, before returning.
    public func append(detectorId: String, findings: [Finding]) throws {
        guard !findings.isEmpty else { return }
        var start = 0
        while start < findings.count {
            let slice = Array(findings[start..<min(start + Self.batchSize, findings.count)])
            // JSONEncoder's bytes (`.sortedKeys`, `.withoutEscapingSlashes`) without its intermediate tree.
            var writer = JSONTextWriter(pretty: false, capacity: slice.count * 2_048)
            writer.value(AgentFindingBatch(detectorId: detectorId, findings: slice))
            let bytes = writer.bytes
            let name = self.nextSequence.withLockedValue { next -> String in
                defer { next += 1 }
                return String(format: "%020llu.batch.json", next)
            }
            try DurableFile.write(bytes, to: "\(self.directory)/\(name)")
            start += Self.batchSize
        }
    }

    /// The oldest batch waiting, with its file name.
    public func oldest() throws -> (name: String, body: [UInt8])? {
        guard let name = try Self.batchNames(self.directory).first else { return nil }
        guard let data = FileManager.default.contents(atPath: "\(self.directory)/\(name)") else { return nil }
        return (name, Array(data))
    }

    public var pendingBatches: Int { (try? Self.batchNames(self.directory).count) ?? 0 }

    public var rejectedBatches: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(self.directory)/rejected")) ?? []).filter { $0.hasSuffix(".batch.json") }.count
    }

    /// The administrator acknowledged the batch.
    public func acknowledge(_ name: String) throws {
        try FileManager.default.removeItem(atPath: "\(self.directory)/\(name)")
        DurableFile.syncDirectory(self.directory)
    }

    /// The administrator refused the batch as invalid: keep it aside with the reason.
    public func reject(_ name: String, reason: String) throws {
        try DurableFile.write(Array(reason.utf8), to: "\(self.directory)/rejected/\(name).reason.txt")
        try FileManager.default.moveItem(atPath: "\(self.directory)/\(name)", toPath: "\(self.directory)/rejected/\(name)")
        DurableFile.syncDirectory(self.directory)
    }
}
