import GuardDutyModel
import ThreatLists

/// Interfaces that carry other addresses' traffic — a NAT gateway's (it logs an instance's packets before translation,
/// then its own after), a firewall appliance's, a node's with pod addresses: an interface seen with more than one
/// private local address. A NAT gateway's interface would otherwise raise every finding of the instances behind it a
/// second time, on a resource that is not theirs; `deduplicate` drops such a finding when a resource of its own
/// raised the same type at the same time (a NAT gateway whose instances' interfaces are not logged keeps its findings:
/// they are the only sign of the activity).
struct TransitInterfaces {
    /// The first local address of each interface (by name id), and whether another one was seen.
    var first: [IPAddress?] = []
    var transit: [Bool] = []

    @inline(__always)
    mutating func saw(interface: Int, local: IPAddress) {
        guard interface > 0 else { return }
        if interface >= self.first.count {
            self.first.append(contentsOf: repeatElement(nil, count: interface + 1 - self.first.count))
            self.transit.append(contentsOf: repeatElement(false, count: interface + 1 - self.transit.count))
        }
        if let known = self.first[interface] {
            if known != local { self.transit[interface] = true }
        } else {
            self.first[interface] = local
        }
    }

    /// `findings` without those of transit interfaces that repeat a finding of the same type on another resource within
    /// `slack` seconds.
    func deduplicate(_ findings: [Finding], names: NameTable, slack: Int64) -> [Finding] {
        let transitNames = Set(self.transit.indices.filter { self.transit[$0] }.compactMap { names.name($0) })
        guard !transitNames.isEmpty else { return findings }
        func interface(_ finding: Finding) -> String? {
            guard finding.resource.instanceDetails?.instanceId == nil else { return nil }
            return finding.resource.instanceDetails?.networkInterfaces?.first?.networkInterfaceId
        }
        // Each finding's time span, parsed once; widened by `slack` without overflowing.
        func widened(_ time: Int64) -> Int64 { time > Int64.max - slack ? .max : time + slack }
        let spans = findings.map { (Timestamps.parse($0.service.eventFirstSeen) ?? 0, Timestamps.parse($0.service.eventLastSeen) ?? .max) }
        // The other resources' findings of each type and account, by first seen, with the latest widened end among
        // each prefix: a transit finding overlaps one of them when the last that starts by its widened end reaches it.
        // (Sorted once rather than compared pairwise: a flood of findings on transit interfaces stays n log n.)
        func group(_ finding: Finding) -> String { finding.accountId + "|" + finding.type }
        var members: [String: [Int]] = [:]
        var transitIndices: [Int] = []
        for index in findings.indices {
            if let name = interface(findings[index]), transitNames.contains(name) {
                transitIndices.append(index)
            } else {
                members[group(findings[index]), default: []].append(index)
            }
        }
        guard !transitIndices.isEmpty else { return findings }
        var others: [String: (starts: [Int64], reach: [Int64])] = [:]
        for (key, indices) in members {
            let sorted = indices.sorted { spans[$0].0 < spans[$1].0 }
            var reach: [Int64] = []
            reach.reserveCapacity(sorted.count)
            for index in sorted { reach.append(max(reach.last ?? .min, widened(spans[index].1))) }
            others[key] = (sorted.map { spans[$0].0 }, reach)
        }
        var dropped = Set<Int>()
        for index in transitIndices {
            guard let candidates = others[group(findings[index])] else { continue }
            let (first, last) = spans[index]
            // How many of the group start at or before this finding's widened end.
            var low = 0
            var high = candidates.starts.count
            while low < high {
                let middle = (low + high) / 2
                if candidates.starts[middle] <= widened(last) { low = middle + 1 } else { high = middle }
            }
            if low > 0, first <= candidates.reach[low - 1] { dropped.insert(index) }
        }
        return findings.indices.filter { !dropped.contains($0) }.map { findings[$0] }
    }
}
