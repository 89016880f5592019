import Foundation
import ThreatLists

/// The lists in force for a detector — threat and trusted IP lists, threat entity lists — and the built-in
/// domain intelligence shipped as data files (`intel/dns-domains.tsv`). A class, built once and never changed:
/// the engine looks several things up per record, and a struct read through the engine would be copied each time.
public final class Intelligence: Sendable {
    public let threatIPs: IPMatcher
    public let threatListNames: [String]
    public let trustedIPs: IPMatcher
    public let threatDomains: DomainMatcher
    public let threatDomainListNames: [String]
    /// Built-in domains, each list standing for one finding type.
    public let builtInDomains: DomainMatcher
    public let builtInDomainTypes: [String]
    /// Built-in address lists: Tor relays and exit nodes, mining pools (`intel/*.txt`).
    public let torNodes: IPMatcher
    public let miningPools: IPMatcher
    /// Built-in known-malicious addresses (`intel/malicious-ips.txt`), GuardDuty's own threat intelligence here.
    public let maliciousIPs: IPMatcher
    /// Sinkholed (black-holed) addresses (`intel/blackhole-ips.txt`).
    public let blackholes: IPMatcher

    public init(
        threatLists: [(name: String, list: ParsedList)] = [], trustedLists: [ParsedList] = [], builtInDomains: [(type: String, domain: String)] = [],
        torNodes: [IPNetwork] = [], miningPools: [IPNetwork] = [], maliciousIPs: [IPNetwork] = [], blackholes: [IPNetwork] = []
    ) {
        self.blackholes = IPMatcher(lists: blackholes.isEmpty ? [] : [blackholes])
        self.maliciousIPs = IPMatcher(lists: maliciousIPs.isEmpty ? [] : [maliciousIPs])
        self.torNodes = IPMatcher(lists: torNodes.isEmpty ? [] : [torNodes])
        self.miningPools = IPMatcher(lists: miningPools.isEmpty ? [] : [miningPools])
        self.threatIPs = IPMatcher(lists: threatLists.map(\.list.networks))
        self.threatListNames = threatLists.map(\.name)
        self.trustedIPs = IPMatcher(lists: trustedLists.map(\.networks))
        self.threatDomains = DomainMatcher(lists: threatLists.map(\.list.domains))
        self.threatDomainListNames = threatLists.map(\.name)
        let types = Array(Set(builtInDomains.map(\.type))).sorted()
        self.builtInDomainTypes = types
        self.builtInDomains = DomainMatcher(lists: types.map { type in builtInDomains.filter { $0.type == type }.map(\.domain) })
    }

    /// Reads `FINDING_TYPE<TAB>DOMAIN` lines ('#' comments).
    public static func builtInDomains(tsv: String) -> [(type: String, domain: String)] {
        tsv.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let parts = line.split(separator: "\t")
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]).trimmingCharacters(in: .whitespaces))
        }
    }

    func threatListNames(for address: IPAddress) -> [String] {
        guard !address.isPrivateOrBogon else { return [] }
        return self.threatIPs.combinations[Int(self.threatIPs.answer(address))].map { self.threatListNames[$0] }
    }

    static func contains(_ matcher: IPMatcher, _ address: IPAddress) -> Bool {
        !address.isPrivateOrBogon && matcher.answer(address) != 0
    }

    func isTorNode(_ address: IPAddress) -> Bool { Self.contains(self.torNodes, address) }
    func isMiningPool(_ address: IPAddress) -> Bool { Self.contains(self.miningPools, address) }
    func isKnownMalicious(_ address: IPAddress) -> Bool { Self.contains(self.maliciousIPs, address) }
    func isBlackhole(_ address: IPAddress) -> Bool { Self.contains(self.blackholes, address) }

    func isTrusted(_ address: IPAddress) -> Bool {
        self.trustedIPs.answer(address) != 0
    }
}

extension IPMatcher {
    /// The answer id for an address of either family (0: on no list).
    @inline(__always)
    func answer(_ address: IPAddress) -> UInt32 {
        address.isV6 ? self.answer(v6: address.value) : self.answer(v4: UInt32(truncatingIfNeeded: address.value))
    }
}
