import Detection
import Foundation

/// `scan` over `s3://` sources: every object of the account (or of every account) the bucket holds, read once.
extension LogPipeline {
    /// What a scan read from one S3 source.
    public struct ObjectScan: Sendable {
        public var source: String
        public var objects: Int
        /// The objects skipped as corrupt, each named with why.
        public var corrupt: [String]
    }

    /// Reads the `s3://` sources among `paths` whole, in day and key order. A bucket that cannot be read (missing,
    /// forbidden, unreachable after retries) throws, naming it.
    public func scanObjects(_ paths: [String], as dataSource: DataSource, reading: S3ReadingOptions?, account: String?) async throws -> [ObjectScan] {
        let sources = try S3Sources.make(
            arguments: [(dataSource, paths)], options: reading, accounts: account.map { .only($0) }, saved: [:], scanning: true)
        guard !sources.isEmpty else { return [] }
        await sources.poll(now: Date().timeIntervalSince1970, pipeline: self) { _, _, _, _ in }
        var scans: [ObjectScan] = []
        for source in sources.sources {
            if let issue = source.issue { throw AgentError.configuration("cannot read \(issue)") }
            scans.append(ObjectScan(source: source.url.description, objects: source.objectsRead, corrupt: source.corruptObjects))
        }
        return scans
    }
}
