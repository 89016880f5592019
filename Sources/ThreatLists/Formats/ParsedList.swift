import GuardDutyModel

/// The formats GuardDuty accepts for trusted IP lists, threat lists and entity lists (the API's enum).
public typealias ListFormat = ListFileFormat

/// What a list may hold: IP lists (IPSet, ThreatIntelSet) hold addresses and networks only; entity lists also domains.
public enum ListContent: Sendable {
    case addresses
    case addressesAndDomains
}

/// A malformed entry: where it is and why it was skipped. It carries no bytes of the file (the reason is one of the
/// parser's own sentences), so it may go anywhere a list's status goes: errorDetails, logs, members' views.
public struct MalformedEntry: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line (0 in STIX 2.x JSON, which has no lines worth naming).
    public var line: Int
    public var reason: String
    public var description: String { "line \(self.line): \(self.reason)" }

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// A parsed list: normalised networks (host bits cleared, duplicates and networks inside others removed),
/// normalised domains (lowercase, no trailing dot), and the entries that were skipped.
public struct ParsedList: Sendable {
    public var networks: [IPNetwork]
    public var domains: [String]
    /// Entries that could not be read, counted; the first few are kept with their line numbers.
    public var malformedCount: Int
    public var malformedExamples: [MalformedEntry]
    /// Entries of kinds the list cannot use (file hashes, URLs, emails in a vendor feed): counted, not errors.
    public var ignoredCount: Int
    /// Networks written with host bits set (normalised to their network).
    public var hostBitsCleared: Int
    /// Why the parse stopped before the end of the file (its time budget ran out): the list then has no entries and
    /// must not be used. Free of file content, like the malformed entries.
    public var failure: String?

    public var entryCount: Int { self.networks.count + self.domains.count }

    /// One entry per line, sorted: the normalised content that is stored, hashed and served to agents.
    public var canonicalText: String {
        (self.networks.map(\.description) + self.domains).joined(separator: "\n") + (self.entryCount > 0 ? "\n" : "")
    }
}

/// Collects entries while a parser reads a file, and keeps its time budget.
struct ListBuilder {
    let content: ListContent
    var networks: [IPNetwork] = []
    var domains: Set<String> = []
    var malformedCount = 0
    var malformedExamples: [MalformedEntry] = []
    var ignoredCount = 0
    var hostBitsCleared = 0
    static let maxExamples = 10
    let timeBudget: Duration?
    let deadline: ContinuousClock.Instant?
    var budgetTicks = 0
    var failure: String?

    init(content: ListContent, timeBudget: Duration? = nil) {
        self.content = content
        self.timeBudget = timeBudget
        self.deadline = timeBudget.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// Whether the parse must stop: its time budget ran out (checked on every 16th call; parsers call this per line,
    /// per JSON node or per 4 KB of XML). Once true, true for the rest of the parse.
    mutating func outOfTime(line: Int) -> Bool {
        guard self.failure == nil else { return true }
        guard let deadline = self.deadline, let timeBudget = self.timeBudget else { return false }
        self.budgetTicks &+= 1
        guard self.budgetTicks & 15 == 0, ContinuousClock.now > deadline else { return false }
        let (seconds, attoseconds) = timeBudget.components
        let budget = attoseconds == 0 ? "\(seconds)" : "\(Double(seconds) + Double(attoseconds) / 1e18)"
        self.failure = "parsing exceeded its time budget of \(budget) s" + (line > 0 ? " after line \(line)" : "")
        return true
    }

    /// Counts a malformed entry; `reason` is the parser's own sentence, never text of the file.
    mutating func malformed(line: Int, _ reason: String) {
        self.malformedCount += 1
        if self.malformedExamples.count < Self.maxExamples {
            self.malformedExamples.append(MalformedEntry(line: line, reason: reason))
        }
    }

    /// Adds an IP, a CIDR or (for entity lists) a domain; anything else is malformed.
    mutating func add(_ raw: some StringProtocol, line: Int) {
        let token = raw.trimmingListWhitespace()
        guard !token.isEmpty else { return }
        let bytes = Array(token.utf8)
        if let network = IPNetwork.parse(bytes) {
            if let slash = bytes.firstIndex(of: UInt8(ascii: "/")), IPNetwork.parse(bytes[..<slash]) != IPNetwork.parse(bytes) {
                let host = IPNetwork.parse(bytes[..<slash])
                if case .v4(let a, _)? = host, case .v4(let b, _) = network, a != b { self.hostBitsCleared += 1 }
                if case .v6(let a, _)? = host, case .v6(let b, _) = network, a != b { self.hostBitsCleared += 1 }
            }
            self.networks.append(network)
            return
        }
        if let domain = DomainName.normalise(token) {
            // IP lists act on addresses only (as GuardDuty's): a domain in one is counted and left out.
            guard self.content == .addressesAndDomains else {
                self.ignoredCount += 1
                return
            }
            self.domains.insert(domain)
            return
        }
        self.malformed(line: line, self.content == .addressesAndDomains ? "is not an IP address, CIDR range or domain name" : "is not an IP address or CIDR range")
    }

    func finish() -> ParsedList {
        if let failure = self.failure {
            // Half a list is not the list: nothing of it is used. The failure is counted with the malformed entries (so a
            // caller that only looks at counts refuses the list too) and named as the last example.
            var examples = self.malformedExamples.prefix(Self.maxExamples - 1).map { $0 }
            examples.append(MalformedEntry(line: 0, reason: failure))
            return ParsedList(
                networks: [], domains: [], malformedCount: self.malformedCount + 1, malformedExamples: examples, ignoredCount: self.ignoredCount,
                hostBitsCleared: 0, failure: failure
            )
        }
        return ParsedList(
            networks: NetworkSet.normalise(self.networks), domains: self.domains.sorted(), malformedCount: self.malformedCount,
            malformedExamples: self.malformedExamples, ignoredCount: self.ignoredCount, hostBitsCleared: self.hostBitsCleared, failure: nil
        )
    }
}

/// Normalisation of a set of networks.
public enum NetworkSet {
    /// Sorted, without duplicates and without networks contained in another network of the set.
    public static func normalise(_ networks: [IPNetwork]) -> [IPNetwork] {
        // Sort by start address, widest first, so a container comes before what it contains: IPv4 as plain integers
        // (address, then prefix), IPv6 after it.
        var v4: [UInt64] = []
        var v6: [IPNetwork] = []
        v4.reserveCapacity(networks.count)
        for network in networks {
            switch network {
            case .v4(let address, let prefix): v4.append(UInt64(address) << 8 | UInt64(prefix))
            case .v6: v6.append(network)
            }
        }
        RadixSort.sort(&v4)
        v6.sort { lhs, rhs in
            guard case .v6(let a, let p) = lhs, case .v6(let b, let q) = rhs else { return false }
            return a == b ? p < q : a < b
        }
        let sorted = v4.map { IPNetwork.v4(address: UInt32(truncatingIfNeeded: $0 >> 8), prefix: UInt8(truncatingIfNeeded: $0)) } + v6
        var result: [IPNetwork] = []
        result.reserveCapacity(sorted.count)
        var lastV4End: UInt32?
        var lastV6End: UInt128?
        for network in sorted {
            switch network {
            case .v4:
                let range = network.v4Range!
                if let end = lastV4End, range.upperBound <= end { continue }
                lastV4End = range.upperBound
            case .v6:
                let range = network.v6Range!
                if let end = lastV6End, range.upperBound <= end { continue }
                lastV6End = range.upperBound
            }
            result.append(network)
        }
        return result
    }
}

/// Domain names as lists and DNS logs write them.
public enum DomainName {
    /// Lowercase, without a trailing dot; nil unless it is a plausible DNS name (labels of letters, digits, '-', '_').
    public static func normalise(_ raw: some StringProtocol) -> String? {
        var text = raw.lowercased()
        if text.hasPrefix("*.") { text.removeFirst(2) }
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty, text.utf8.count <= 253, text.contains(".") else { return nil }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63,
                label.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 })
            else { return nil }
        }
        // An all-numeric last label is an address, not a name.
        if text.split(separator: ".").last!.allSatisfy(\.isNumber) { return nil }
        return text
    }
}

extension StringProtocol {
    func trimmingListWhitespace() -> Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" || first == "\"" || first == "\u{FEFF}" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" || last == "\"" { text = text.dropLast() }
        return text
    }
}
