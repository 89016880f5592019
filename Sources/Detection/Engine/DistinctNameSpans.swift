/// Distinct names per key (an instance, an instance and a domain) with each name's first sighting, judged over sliding
/// spans: a span starts at any name's first sighting and lasts `length` seconds, whatever the clock says, and is
/// judged once the watermark has passed its end. What is judged does not depend on the order of the records. The DNS
/// rules that count different names (exfiltration, generated domains) keep their state in one.
struct DistinctNameSpans<Key: Hashable> {
    /// One name and its first sighting.
    typealias Sighting = (time: Int64, name: String)

    /// The most names kept per key; past it, `note` tells the caller to judge what is due.
    let capacity: Int
    private(set) var names: [Key: [String: Int64]] = [:]

    init(capacity: Int) {
        self.capacity = capacity
    }

    var isEmpty: Bool { self.names.isEmpty }
    var keys: Dictionary<Key, [String: Int64]>.Keys { self.names.keys }

    /// Notes a sighting; returns whether the key is at capacity (the caller then judges it).
    mutating func note(_ key: Key, _ name: String, at time: Int64) -> Bool {
        let first = min(self.names[key]?[name] ?? time, time)
        self.names[key, default: [:]][name] = first
        return (self.names[key]?.count ?? 0) >= self.capacity
    }

    /// The spans of `key` that end at or before `watermark` (all when nil) and hold at least `threshold` names; their
    /// names are forgotten, as are the names no open span needs.
    mutating func judge(_ key: Key, before watermark: Int64?, length: Int64, threshold: Int) -> [[Sighting]] {
        guard let table = self.names[key] else { return [] }
        let sorted = table.map { (time: $0.value, name: $0.key) }.sorted { ($0.time, $0.name) < ($1.time, $1.name) }
        let due = watermark.map { watermark in sorted.firstIndex { $0.time + length > watermark } ?? sorted.count } ?? sorted.count
        var spans: [[Sighting]] = []
        var start = 0
        var consumed = 0
        while start < due {
            var end = start
            while end < sorted.count, sorted[end].time <= sorted[start].time + length { end += 1 }
            if end - start >= threshold {
                spans.append(Array(sorted[start..<end]))
                start = end
            } else {
                start += 1
            }
            consumed = start
        }
        let remaining = sorted[consumed...]
        self.names[key] = remaining.isEmpty ? nil : Dictionary(uniqueKeysWithValues: remaining.map { ($0.name, $0.time) })
        return spans
    }
}
