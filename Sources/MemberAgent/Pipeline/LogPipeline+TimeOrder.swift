import Detection
import Foundation

/// A scan reads the files of a data source in the order of their first record's time, then by path: the rules that
/// learn (ports, volumes, API baselines) start an instance's history at its first record, so the findings of a scan
/// must not depend on the order its inputs are named in (`scan --flow-logs day6.log day1.log`).
extension LogPipeline {
    /// `files` sorted by their first record's time (files without one — empty or unreadable — last, by path).
    static func inTimeOrder(_ files: [String], as dataSource: DataSource) -> [String] {
        guard files.count > 1 else { return files }
        let keyed = files.map { (path: $0, time: Self.firstRecordTime($0, as: dataSource) ?? .max) }
        return keyed.sorted { ($0.time, $0.path) < ($1.time, $1.path) }.map(\.path)
    }

    /// The earliest record time in the first piece of a file (a flow record's start, a CloudTrail eventTime, a DNS
    /// query_timestamp, a Kubernetes audit event's requestReceivedTimestamp); nil when there is none or the file cannot be read (the scan then reports why).
    static func firstRecordTime(_ path: String, as dataSource: DataSource) -> Int64? {
        struct Enough: Error {}
        var earliest: Int64?
        do {
            try LogInput.forEachChunk(path, chunkSize: 1 << 16) { chunk in
                switch dataSource {
                case .flowLogs:
                    var parser = FlowLogParser(names: NameTable())
                    parser.parse(chunk, batches: { records in earliest = min(earliest ?? .max, records.map(\.start).min() ?? .max) })
                case .cloudTrail: earliest = Self.earliestTimestamp(after: Array("\"eventTime\"".utf8), in: chunk)
                case .dnsLogs: earliest = Self.earliestTimestamp(after: Array("\"query_timestamp\"".utf8), in: chunk)
                case .kubernetesAuditLogs:
                    // audit.k8s.io/v1 events carry requestReceivedTimestamp; v1beta1 ones may carry only timestamp.
                    earliest =
                        Self.earliestTimestamp(after: Array("\"requestReceivedTimestamp\"".utf8), in: chunk)
                        ?? Self.earliestTimestamp(after: Array("\"timestamp\"".utf8), in: chunk)
                }
                throw Enough()
            }
        } catch {}
        return earliest
    }

    /// The earliest timestamp string value following `key` in `bytes`.
    static func earliestTimestamp(after key: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var earliest: Int64?
        var index = 0
        let quote = UInt8(ascii: "\"")
        while index + key.count < bytes.count {
            guard bytes[index] == quote, bytes[index..<(index + key.count)].elementsEqual(key) else {
                index += 1
                continue
            }
            index += key.count
            // Past the colon and any spaces to the value's opening quote.
            while index < bytes.count && bytes[index] != quote { index += 1 }
            let start = index + 1
            guard start + 19 <= bytes.count else { break }
            if let time = Timestamps.parse(UnsafeBufferPointer(rebasing: bytes[start..<(start + 19)])) { earliest = min(earliest ?? .max, time) }
            index = start
        }
        return earliest
    }
}
