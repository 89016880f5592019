import ThreatLists

/// Which address is ours when both of a record's addresses are public and the format has no `flow-direction` (IPv6,
/// whose addresses are global; an appliance's public interface): the one the interface's records name most often —
/// an interface's own address is in every one of its records, each peer only in its own. Counted per interface, at
/// most `limit` addresses each (the least seen make room), so a busy IPv6 server keeps its own address on top.
struct OwnPublicAddresses {
    static let limit = 64
    var counts: [Int: [IPAddress: Int]] = [:]

    /// Whether the source is ours (nil: no address has been seen more than the other yet).
    mutating func sourceIsOurs(interface: Int, source: IPAddress, destination: IPAddress) -> Bool? {
        var table = self.counts[interface] ?? [:]
        table[source, default: 0] += 1
        table[destination, default: 0] += 1
        if table.count > Self.limit {
            // Drop the least seen (never the two just counted).
            let least = table.filter { $0.key != source && $0.key != destination }.min { ($0.value, $0.key.value) < ($1.value, $1.key.value) }
            if let least { table.removeValue(forKey: least.key) }
        }
        let ours: Bool? = table[source]! == table[destination]! ? nil : table[source]! > table[destination]!
        self.counts[interface] = table
        return ours
    }
}
