import Detection
import Foundation
import GuardDutyModel
import NIOConcurrencyHelpers

/// What the agent's services share, behind one lock: the configuration offered by the sync to detection, the
/// counters of each source for heartbeats (and their usage reports), and the figures tests and operators read.
final class AgentState: Sendable {
    /// One source's figures: cumulative, and what was analysed since the last usage report.
    struct SourceCounters {
        var dataSource: DataSource
        var path: String
        var records = 0
        var errors = 0
        var newest: Int64 = 0
        var recordsSinceLast = 0
        var bytesSinceLast = 0
        /// S3 sources only: objects read, waiting, seconds behind, and the source's issue.
        var s3: S3Sources.Figures?
    }

    /// The values under the lock.
    private struct Values {
        var offered: (AgentConfig, Intelligence)?
        var appliedVersion = 0
        var newFindings = 0
        var deliveredBatches = 0
        var sources: [String: SourceCounters] = [:]
        var order: [String] = []
        /// The usage report being delivered: its number and what it counts per source.
        var report: (sequence: Int64, usage: [String: (records: Int, bytes: Int)])?
        /// Report numbers grow across restarts: they start from the start time in milliseconds, times 1,000.
        var nextSequence = Int64(Date().timeIntervalSince1970 * 1000) * 1000
    }

    private let values = NIOLockedValueBox(Values())

    /// A new configuration (with its lists loaded) for detection to swap in; replaces one not taken yet.
    func offer(_ config: AgentConfig, _ intelligence: Intelligence) {
        self.values.withLockedValue { $0.offered = (config, intelligence) }
    }

    func takeOffer() -> (AgentConfig, Intelligence)? {
        self.values.withLockedValue { values in
            defer { values.offered = nil }
            return values.offered
        }
    }

    func setAppliedVersion(_ version: Int) { self.values.withLockedValue { $0.appliedVersion = version } }

    func register(source id: String, dataSource: DataSource, path: String) {
        self.values.withLockedValue { values in
            if values.sources[id] == nil {
                values.sources[id] = SourceCounters(dataSource: dataSource, path: path)
                values.order.append(id)
            }
        }
    }

    func count(source id: String, records: Int, malformed: Int, bytes: Int, newest: Int64) {
        self.values.withLockedValue { values in
            guard var counters = values.sources[id] else { return }
            counters.records += records
            counters.errors += malformed
            counters.recordsSinceLast += records
            counters.bytesSinceLast += bytes
            if newest > counters.newest { counters.newest = newest }
            values.sources[id] = counters
        }
    }

    /// An S3 source's figures, for the next heartbeat.
    func setS3(source id: String, _ figures: S3Sources.Figures) {
        self.values.withLockedValue { $0.sources[id]?.s3 = figures }
    }

    func addFindings(new: Int) { self.values.withLockedValue { $0.newFindings += new } }
    func delivered() { self.values.withLockedValue { $0.deliveredBatches += 1 } }

    var counters: (newFindings: Int, deliveredBatches: Int, appliedConfigVersion: Int) {
        self.values.withLockedValue { ($0.newFindings, $0.deliveredBatches, $0.appliedVersion) }
    }

    /// The applied config version, every source's figures with the usage of the report being delivered (a new report
    /// of everything counted since the last one when none is), and that report's number.
    func heartbeatSnapshot() -> (Int, [AgentHeartbeat.Source], Int64) {
        let now = Date().timeIntervalSince1970
        return self.values.withLockedValue { values in
            if values.report == nil {
                var usage: [String: (records: Int, bytes: Int)] = [:]
                for (id, counters) in values.sources {
                    usage[id] = (counters.recordsSinceLast, counters.bytesSinceLast)
                    values.sources[id]?.recordsSinceLast = 0
                    values.sources[id]?.bytesSinceLast = 0
                }
                values.report = (values.nextSequence, usage)
                values.nextSequence += 1
            }
            let report = values.report!
            let sources = values.order.compactMap { id -> AgentHeartbeat.Source? in
                guard let counters = values.sources[id] else { return nil }
                let usage = report.usage[id] ?? (0, 0)
                var source = AgentHeartbeat.Source(
                    dataSource: counters.dataSource.rawValue, path: counters.path, records: counters.records, errors: counters.errors,
                    lagSeconds: counters.newest > 0 ? max(0, now - Double(counters.newest)) : nil,
                    recordsSinceLast: usage.records, bytesSinceLast: usage.bytes
                )
                if let s3 = counters.s3 {
                    (source.objects, source.objectsBehind, source.secondsBehind) = (s3.objects, s3.behind, s3.seconds)
                    (source.issue, source.skippedObjects) = (s3.issue, s3.skipped.isEmpty ? nil : s3.skipped)
                }
                return source
            }
            return (values.appliedVersion, sources, report.sequence)
        }
    }

    /// The report `sequence` was counted: the next heartbeat reports what was analysed since.
    func acknowledgeUsage(_ sequence: Int64) {
        self.values.withLockedValue { values in
            if values.report?.sequence == sequence { values.report = nil }
        }
    }
}
