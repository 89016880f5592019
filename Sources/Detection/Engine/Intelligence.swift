import Foundation
import ThreatLists

/// The intelligence in force for a detector: its threat and trusted IP lists and threat entity lists, the managed
/// feeds the administrator pushes, and the built-in files (`intel/`). A class, built once and never changed: the
/// engine looks several things up per record, and a struct read through the engine would be copied each time.
public final class Intelligence: Sendable {
    /// Threat lists and every address source in one matcher, so that a record costs one lookup: lists
    /// `0..<threatListNames.count` are the threat lists, then the address sources in order.
    let addresses: IPMatcher
    /// What each answer of `addresses` means, worked out once per combination of lists.
    let verdicts: [AddressVerdict]
    /// Per answer of `addresses`: 1 when a threat list holds the address, 2 when a built-in flow source does (Tor, a
    /// mining pool, a black hole, C&C), so the flow rules pass over the rest without copying a verdict.
    let answerFlags: [UInt8]
    public let threatListNames: [String]
    public let trustedIPs: IPMatcher
    public let threatDomains: DomainMatcher
    public let threatDomainListNames: [String]
    /// Domain sources (feeds and `dns-domains.tsv`), one matcher list per source.
    public let builtInDomains: DomainMatcher
    /// The finding type and the source name of each list of `builtInDomains`.
    public let builtInDomainTypes: [String]
    public let builtInDomainSources: [String]

    /// Where addresses are and which are AWS's: matchers of the large built-in files, built once and shared by every
    /// `Intelligence` made with them (an agent makes one on every configuration change).
    public let places: Places

    /// What the address lists say of one address: the custom threat lists holding it, and for each meaning the first
    /// source (feed or built-in file) that holds it.
    struct AddressVerdict: Sendable {
        var threatLists: [String] = []
        /// A Tor relay or exit node.
        var tor: String?
        /// A cryptocurrency mining pool.
        var miningPool: String?
        /// Known-malicious (malicious-ip, malicious-domain and phishing-domain feeds, `intel/malicious-ips.txt`).
        var malicious: String?
        /// A command-and-control server (c2-ip and c2-domain feeds); also a malicious caller for API findings.
        var commandAndControl: String?
        /// Sinkholed, black-holed infrastructure (`intel/blackhole-ips.txt`).
        var blackhole: String?

        /// The source naming the address as a malicious API caller: a malicious source, else a C&C one.
        var maliciousCaller: String? { self.malicious ?? self.commandAndControl }

        mutating func add(_ meaning: FeedAddressMeaning, _ name: String) {
            switch meaning {
            case .tor: self.tor = self.tor ?? name
            case .miningPool: self.miningPool = self.miningPool ?? name
            case .malicious: self.malicious = self.malicious ?? name
            case .commandAndControl: self.commandAndControl = self.commandAndControl ?? name
            case .blackhole: self.blackhole = self.blackhole ?? name
            }
        }
    }

    /// The built-in files' source names when sources are given as plain networks (tests, `scan` without feeds).
    public static let builtInNames: [FeedAddressMeaning: String] = [
        .tor: "tor-exit-nodes.txt", .miningPool: "mining-pool-ips.txt", .malicious: "malicious-ips.txt", .blackhole: "blackhole-ips.txt",
    ]

    public convenience init(
        threatLists: [(name: String, list: ParsedList)] = [], trustedLists: [ParsedList] = [], builtInDomains: [(type: String, domain: String)] = [],
        torNodes: [IPNetwork] = [], miningPools: [IPNetwork] = [], maliciousIPs: [IPNetwork] = [], blackholes: [IPNetwork] = [],
        locations: [(network: IPNetwork, label: String)] = [], awsRanges: [AWSIPRanges.Prefix] = []
    ) {
        let named: [(FeedAddressMeaning, [IPNetwork])] = [
            (.tor, torNodes), (.miningPool, miningPools), (.malicious, maliciousIPs), (.blackhole, blackholes),
        ]
        self.init(
            threatLists: threatLists, trustedLists: trustedLists,
            addressSources: named.filter { !$0.1.isEmpty }.map { AddressSource(name: Self.builtInNames[$0.0]!, meaning: $0.0, networks: $0.1) },
            domainSources: Self.domainSources(builtInDomains, name: "dns-domains.tsv"),
            places: Places(locations: locations, awsRanges: awsRanges))
    }

    /// The intelligence of lists, feeds and built-in files, with the places matchers already built.
    public init(
        threatLists: [(name: String, list: ParsedList)] = [], trustedLists: [ParsedList] = [], addressSources: [AddressSource] = [],
        domainSources: [DomainSource] = [], places: Places
    ) {
        self.places = places
        let threatCount = threatLists.count
        self.addresses = IPMatcher(lists: threatLists.map(\.list.networks) + addressSources.map(\.networks))
        self.verdicts = self.addresses.combinations.map { lists in
            var verdict = AddressVerdict()
            for list in lists {
                if list < threatCount {
                    verdict.threatLists.append(threatLists[list].name)
                } else {
                    let source = addressSources[list - threatCount]
                    verdict.add(source.meaning, source.name)
                }
            }
            return verdict
        }
        self.answerFlags = self.verdicts.map { verdict in
            let builtIn = verdict.tor != nil || verdict.miningPool != nil || verdict.blackhole != nil || verdict.commandAndControl != nil
            return (verdict.threatLists.isEmpty ? 0 : 1) | (builtIn ? 2 : 0)
        }
        self.threatListNames = threatLists.map(\.name)
        self.trustedIPs = IPMatcher(lists: trustedLists.map(\.networks))
        self.threatDomains = DomainMatcher(lists: threatLists.map(\.list.domains))
        self.threatDomainListNames = threatLists.map(\.name)
        let sources = domainSources.filter { !$0.domains.isEmpty }
        self.builtInDomainTypes = sources.map(\.type)
        self.builtInDomainSources = sources.map(\.name)
        self.builtInDomains = DomainMatcher(lists: sources.map(\.domains))
    }

    /// `FINDING_TYPE<TAB>DOMAIN` pairs as one source per finding type, all under one name.
    public static func domainSources(_ pairs: [(type: String, domain: String)], name: String) -> [DomainSource] {
        var byType: [String: [String]] = [:]
        for pair in pairs { byType[pair.type, default: []].append(pair.domain) }
        return byType.keys.sorted().map { DomainSource(name: name, type: $0, domains: byType[$0]!) }
    }

    /// The location the location file gives an address (when networks of several locations hold it, the first label
    /// in sorted order).
    func location(_ address: IPAddress) -> String? { self.places.location(address) }

    /// Where an address is in AWS's published ranges (nil: outside them, or no ranges loaded).
    public func awsRange(_ address: IPAddress) -> AWSRange? {
        guard !address.isPrivateOrBogon else { return nil }
        return self.places.awsRange(address)
    }

    /// Whether an address is in AWS's published ranges.
    public func isInsideAWS(_ address: IPAddress) -> Bool { self.awsRange(address) != nil }

    /// The answer of the address lists for a remote address (0: on none; private and bogon space never counts).
    @inline(__always)
    func addressAnswer(_ address: IPAddress) -> UInt32 {
        address.isPrivateOrBogon ? 0 : self.addresses.answer(address)
    }

    func verdict(_ address: IPAddress) -> AddressVerdict { self.verdicts[Int(self.addressAnswer(address))] }

    @inline(__always)
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
