import Foundation
import ThreatLists

/// The lists in force for a detector — threat and trusted IP lists, threat entity lists — and the built-in
/// domain intelligence shipped as data files (`intel/dns-domains.tsv`). A class, built once and never changed:
/// the engine looks several things up per record, and a struct read through the engine would be copied each time.
public final class Intelligence: Sendable {
    /// Threat lists and the built-in address lists in one matcher, so that a record costs one lookup: lists
    /// `0..<threatListNames.count` are the threat lists, then Tor nodes, mining pools, known-malicious and black-holed
    /// addresses.
    let addresses: IPMatcher
    /// What each answer of `addresses` means, worked out once per combination of lists.
    let verdicts: [AddressVerdict]
    public let threatListNames: [String]
    public let trustedIPs: IPMatcher
    public let threatDomains: DomainMatcher
    public let threatDomainListNames: [String]
    /// Built-in domains, each list standing for one finding type.
    public let builtInDomains: DomainMatcher
    public let builtInDomainTypes: [String]

    /// Where addresses are and which are AWS's: matchers of the large built-in files, built once and shared by every
    /// `Intelligence` made with them (an agent makes one on every configuration change).
    public let places: Places

    /// What the address lists say of one address.
    struct AddressVerdict: Sendable {
        var threatLists: [String] = []
        /// A Tor relay or exit node (`intel/tor-exit-nodes.txt`).
        var tor = false
        /// A cryptocurrency mining pool (`intel/mining-pool-ips.txt`).
        var miningPool = false
        /// Known-malicious (`intel/malicious-ips.txt`), GuardDuty's own threat intelligence here.
        var malicious = false
        /// Sinkholed, black-holed infrastructure (`intel/blackhole-ips.txt`).
        var blackhole = false
    }

    public convenience init(
        threatLists: [(name: String, list: ParsedList)] = [], trustedLists: [ParsedList] = [], builtInDomains: [(type: String, domain: String)] = [],
        torNodes: [IPNetwork] = [], miningPools: [IPNetwork] = [], maliciousIPs: [IPNetwork] = [], blackholes: [IPNetwork] = [],
        locations: [(network: IPNetwork, label: String)] = [], awsRanges: [AWSIPRanges.Prefix] = []
    ) {
        self.init(
            threatLists: threatLists, trustedLists: trustedLists, builtInDomains: builtInDomains, torNodes: torNodes, miningPools: miningPools,
            maliciousIPs: maliciousIPs, blackholes: blackholes, places: Places(locations: locations, awsRanges: awsRanges))
    }

    /// The same, with the places matchers already built.
    public init(
        threatLists: [(name: String, list: ParsedList)] = [], trustedLists: [ParsedList] = [], builtInDomains: [(type: String, domain: String)] = [],
        torNodes: [IPNetwork] = [], miningPools: [IPNetwork] = [], maliciousIPs: [IPNetwork] = [], blackholes: [IPNetwork] = [], places: Places
    ) {
        self.places = places
        let threatCount = threatLists.count
        self.addresses = IPMatcher(lists: threatLists.map(\.list.networks) + [torNodes, miningPools, maliciousIPs, blackholes])
        self.verdicts = self.addresses.combinations.map { lists in
            var verdict = AddressVerdict()
            for list in lists {
                switch list - threatCount {
                case ..<0: verdict.threatLists.append(threatLists[list].name)
                case 0: verdict.tor = true
                case 1: verdict.miningPool = true
                case 2: verdict.malicious = true
                default: verdict.blackhole = true
                }
            }
            return verdict
        }
        self.threatListNames = threatLists.map(\.name)
        self.trustedIPs = IPMatcher(lists: trustedLists.map(\.networks))
        self.threatDomains = DomainMatcher(lists: threatLists.map(\.list.domains))
        self.threatDomainListNames = threatLists.map(\.name)
        let types = Array(Set(builtInDomains.map(\.type))).sorted()
        self.builtInDomainTypes = types
        self.builtInDomains = DomainMatcher(lists: types.map { type in builtInDomains.filter { $0.type == type }.map(\.domain) })
    }

    /// Reads `CIDR<TAB>LOCATION` lines ('#' comments), as `intel/ip-locations.tsv` holds them.
    public static func locations(tsv: String) -> [(network: IPNetwork, label: String)] {
        self.locations(tsv: Array(tsv.utf8))
    }

    /// Reads `CIDR<TAB>LOCATION` lines ('#' comments) from bytes, a line at a time without a String per line: the
    /// shipped country file (`intel/ip-countries.tsv.gz`) has close to a million. Lines that are not a network and a
    /// label are skipped.
    public static func locations(tsv bytes: [UInt8]) -> [(network: IPNetwork, label: String)] {
        var result: [(network: IPNetwork, label: String)] = []
        // Labels are few (countries): each is made a String once, found again by its first eight bytes and length.
        var labels: [UInt64: [(bytes: [UInt8], label: String)]] = [:]
        bytes.withUnsafeBufferPointer { bytes in
            func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 13 }
            var start = 0
            while start < bytes.count {
                var end = start
                var tab = -1
                var secondTab = -1
                while end < bytes.count, bytes[end] != 10 {
                    if bytes[end] == 9 {
                        if tab < 0 { tab = end } else if secondTab < 0 { secondTab = end }
                    }
                    end += 1
                }
                defer { start = end + 1 }
                guard bytes[start] != UInt8(ascii: "#"), tab >= 0 else { continue }
                var networkStart = start
                var networkEnd = tab
                while networkStart < networkEnd, isSpace(bytes[networkStart]) { networkStart += 1 }
                while networkEnd > networkStart, isSpace(bytes[networkEnd - 1]) { networkEnd -= 1 }
                var labelStart = tab + 1
                var labelEnd = secondTab >= 0 ? secondTab : end
                while labelStart < labelEnd, isSpace(bytes[labelStart]) { labelStart += 1 }
                while labelEnd > labelStart, isSpace(bytes[labelEnd - 1]) { labelEnd -= 1 }
                guard labelStart < labelEnd,
                    let network = Self.fastV4Network(bytes, networkStart, networkEnd)
                        ?? IPNetwork.parse(UnsafeBufferPointer(rebasing: bytes[networkStart..<networkEnd]))
                else { continue }
                var key = UInt64(labelEnd - labelStart) << 56
                for index in labelStart..<min(labelEnd, labelStart + 7) { key |= UInt64(bytes[index]) << (8 * UInt64(index - labelStart)) }
                let raw = UnsafeBufferPointer(rebasing: bytes[labelStart..<labelEnd])
                if let known = labels[key]?.first(where: { $0.bytes.elementsEqual(raw) }) {
                    result.append((network, known.label))
                } else {
                    let label = String(decoding: raw, as: UTF8.self)
                    labels[key, default: []].append((Array(raw), label))
                    result.append((network, label))
                }
            }
        }
        return result
    }

    /// `a.b.c.d/n` read in place (nil: anything else, left to `IPNetwork.parse`).
    static func fastV4Network(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> IPNetwork? {
        var address: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte >= 48 && byte <= 57 {
                octet = octet * 10 + UInt32(byte - 48)
                digits += 1
                guard digits <= 3, octet <= 255 else { return nil }
            } else if byte == UInt8(ascii: "."), digits > 0, dots < 3 {
                address = address << 8 | octet
                (octet, digits, dots) = (0, 0, dots + 1)
            } else if byte == UInt8(ascii: "/"), digits > 0, dots == 3 {
                break
            } else {
                return nil
            }
            index += 1
        }
        guard dots == 3, digits > 0 else { return nil }
        address = address << 8 | octet
        var prefix = 32
        if index < end {
            index += 1
            guard index < end, end - index <= 2 else { return nil }
            prefix = 0
            for byte in bytes[index..<end] {
                guard byte >= 48 && byte <= 57 else { return nil }
                prefix = prefix * 10 + Int(byte - 48)
            }
            guard prefix <= 32 else { return nil }
        }
        return IPNetwork(v4: address, prefix: UInt8(prefix))
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

    /// Reads `FINDING_TYPE<TAB>DOMAIN` lines ('#' comments).
    public static func builtInDomains(tsv: String) -> [(type: String, domain: String)] {
        tsv.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let parts = line.split(separator: "\t")
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]).trimmingCharacters(in: .whitespaces))
        }
    }

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
