import Detection
import Foundation
import GuardDutyModel
import MemberAgent
import PrecisionCorpus

/// The user's path over a corpus: what `guardpost-agent scan --flow-logs DIR/flow --cloudtrail DIR/cloudtrail
/// --dns-logs DIR/dns --intel-dir DIR/intel` runs (built-in intelligence, the engine, the log pipeline), in process.
enum CorpusScan {
    /// The findings of a scan over `directory`, reading each data source's files in order or in reverse order.
    static func findings(_ directory: URL, accountId: String, reversed: Bool = false) throws -> [Finding] {
        let intelligence = BuiltInIntelligence(directory: directory.appendingPathComponent("intel").path).intelligence(
            threatLists: [], trustedLists: [])
        let engine = DetectionEngine(intelligence: intelligence, accountId: accountId, region: "us-east-1", detectorId: "corpus")
        let pipeline = LogPipeline(engine: engine)
        for (folder, source) in [("flow", DataSource.flowLogs), ("cloudtrail", .cloudTrail), ("dns", .dnsLogs)] {
            let files = try LogInput.files(directory.appendingPathComponent(folder).path)
            // As `scan` names them on its command line: the pipeline orders the files by their first record's time.
            try pipeline.scan(reversed ? files.reversed() : files, as: source)
        }
        return engine.findings()
    }

    /// Runs heavy synchronous work (generating, scanning) on a thread of its own: Swift's cooperative pool has one thread
    /// per core (two here), and a test that held one for a minute would starve the other suites' tasks (the agent
    /// runtime's tests wait on theirs).
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// A fresh temporary directory for a corpus.
    static func temporaryDirectory(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("precision-corpus-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
    }

    /// The shipped intel directory of the source tree.
    static var shippedIntel: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../intel").standardized.path
    }
}
