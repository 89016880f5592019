import Foundation

/// The files of a corpus being written: lines buffered per file (one file per data source, log and hour, as AWS
/// delivers them), sorted by time and written once their hour is over.
final class CorpusFiles {
    /// One file's pending lines.
    private struct Bucket {
        var hour: Int64
        var header: String?
        var wrapsRecords: Bool
        var lines: [(time: Int64, sequence: Int, text: String)] = []
    }

    let root: URL
    private var buckets: [String: Bucket] = [:]
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
        let hour = time / 3600
        let path =
            "flow/\(Self.dayPath(hour))/\(self.accountId)_vpcflowlogs_\(self.region)_\(logId)_\(Self.stamp(hour))_\(Self.hash(logId, hour)).log"
        self.add(path, hour: hour, time: time, line: line, header: header, wrapsRecords: false)
        self.flowRecords += 1
    }

    /// A CloudTrail event (its JSON object text).
    func cloudTrail(_ json: String, time: Int64) {
        let hour = time / 3600
        let path = "cloudtrail/\(Self.dayPath(hour))/\(self.accountId)_CloudTrail_\(self.region)_\(Self.stamp(hour))_\(Self.hash("ct", hour)).json"
        self.add(path, hour: hour, time: time, line: json, header: nil, wrapsRecords: true)
        self.cloudTrailRecords += 1
    }

    /// A Route 53 Resolver query log record (one JSON line).
    func dns(_ json: String, time: Int64) {
        let hour = time / 3600
        let path = "dns/\(Self.dayPath(hour))/\(self.accountId)_vpcdnsquerylogs_\(self.region)_\(Self.stamp(hour))_\(Self.hash("dns", hour)).log"
        self.add(path, hour: hour, time: time, line: json, header: nil, wrapsRecords: false)
        self.dnsRecords += 1
    }

    private func add(_ path: String, hour: Int64, time: Int64, line: String, header: String?, wrapsRecords: Bool) {
        self.sequence += 1
        self.buckets[path, default: Bucket(hour: hour, header: header, wrapsRecords: wrapsRecords)].lines.append((time, self.sequence, line))
    }

    /// Writes the files of hours before `hour` (all of them when nil).
    func flush(before hour: Int64?) throws {
        let due = self.buckets.keys.filter { path in hour.map { self.buckets[path]!.hour < $0 } ?? true }.sorted()
        for path in due {
            guard let bucket = self.buckets.removeValue(forKey: path) else { continue }
            let lines = bucket.lines.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }.map(\.text)
            let text: String
            if bucket.wrapsRecords {
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
