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
        let kept = findings.indices.filter { index in
            let finding = findings[index]
            guard let name = interface(finding), transitNames.contains(name) else { return true }
            let (first, last) = spans[index]
            return !findings.indices.contains { other in
                let candidate = findings[other]
                guard candidate.type == finding.type, candidate.accountId == finding.accountId,
                    interface(candidate).map({ !transitNames.contains($0) }) ?? true
                else { return false }
                return spans[other].0 <= widened(last) && first <= widened(spans[other].1)
            }
        }
        return kept.map { findings[$0] }
    }
}
