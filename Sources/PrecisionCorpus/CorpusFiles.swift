import Foundation

/// The files of a corpus being written: lines buffered per file (one file per data source, log and hour, as AWS
/// delivers them), sorted by time and written once their hour is over.
final class CorpusFiles {
    /// One file: its data source, flow log and hour.
    private struct Key: Hashable {
        var source: String
        var logId: String
        var hour: Int64
    }

    /// One file's pending lines.
    private struct Bucket {
        var header: String?
        var lines: [(time: Int64, sequence: Int, text: String)] = []
    }

    let root: URL
    private var buckets: [Key: Bucket] = [:]
    private var sequence = 0
    private(set) var flowRecords = 0
    private(set) var cloudTrailRecords = 0
    private(set) var dnsRecords = 0
    private let accountId: String
    private let region: String

    init(root: URL, accountId: String, region: String) throws {
        self.root = root
        self.accountId = accountId
        self.region = region
        try? FileManager.default.removeItem(at: root)
        for folder in ["flow", "cloudtrail", "dns"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }

    /// A flow log record of the flow log `logId` (v2 files have no header; custom ones start with `header`).
    func flow(_ line: String, time: Int64, logId: String, header: String?) {
        self.add(Key(source: "flow", logId: logId, hour: time / 3600), time: time, line: line, header: header)
        self.flowRecords += 1
    }

    /// A CloudTrail event (its JSON object text).
    func cloudTrail(_ json: String, time: Int64) {
        self.add(Key(source: "cloudtrail", logId: "", hour: time / 3600), time: time, line: json, header: nil)
        self.cloudTrailRecords += 1
    }

    /// A Route 53 Resolver query log record (one JSON line).
    func dns(_ json: String, time: Int64) {
        self.add(Key(source: "dns", logId: "", hour: time / 3600), time: time, line: json, header: nil)
        self.dnsRecords += 1
    }

    private func add(_ key: Key, time: Int64, line: String, header: String?) {
        self.sequence += 1
        self.buckets[key, default: Bucket(header: header)].lines.append((time, self.sequence, line))
    }

    /// Where AWS would deliver a file: `flow/2026/11/02/ACCOUNT_vpcflowlogs_REGION_FLOWLOG_20261102T0100Z_HASH.log`, …
    private func path(_ key: Key) -> String {
        let hour = key.hour
        let day = Self.dayPath(hour)
        let stamp = Self.stamp(hour)
        switch key.source {
        case "flow":
            return "flow/\(day)/\(self.accountId)_vpcflowlogs_\(self.region)_\(key.logId)_\(stamp)_\(Self.hash(key.logId, hour)).log"
        case "cloudtrail": return "cloudtrail/\(day)/\(self.accountId)_CloudTrail_\(self.region)_\(stamp)_\(Self.hash("ct", hour)).json"
        default: return "dns/\(day)/\(self.accountId)_vpcdnsquerylogs_\(self.region)_\(stamp)_\(Self.hash("dns", hour)).log"
        }
    }

    /// Writes the files of hours before `hour` (all of them when nil).
    func flush(before hour: Int64?) throws {
        let due = self.buckets.keys.filter { key in hour.map { key.hour < $0 } ?? true }.map { (key: $0, path: self.path($0)) }
        for (key, path) in due.sorted(by: { $0.path < $1.path }) {
            guard let bucket = self.buckets.removeValue(forKey: key) else { continue }
            let lines = bucket.lines.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }.map(\.text)
            let text: String
            if key.source == "cloudtrail" {
                text = "{\"Records\":[" + lines.joined(separator: ",\n") + "]}\n"
            } else {
                text = ((bucket.header.map { [$0] } ?? []) + lines).joined(separator: "\n") + "\n"
            }
            let url = self.root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    static func dayPath(_ hour: Int64) -> String {
        let parts = CorpusClock.parts(hour * 3600)
        return String(format: "%04d/%02d/%02d", parts.year, parts.month, parts.day)
    }

    static func stamp(_ hour: Int64) -> String {
        let parts = CorpusClock.parts(hour * 3600)
        return String(format: "%04d%02d%02dT%02d00Z", parts.year, parts.month, parts.day, parts.hour)
    }

    /// A stable stand-in for the random suffix AWS gives file names.
    static func hash(_ text: String, _ hour: Int64) -> String {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in Array("\(text)\(hour)".utf8) { value = (value ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(value, radix: 16)
    }
}
