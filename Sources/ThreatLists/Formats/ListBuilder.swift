import GuardDutyModel

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
    /// The broadest networks taken (feeds: /8 for IPv4, /16 for IPv6); broader ones are malformed. nil: any.
    var broadest: (v4: UInt8, v6: UInt8)?

    init(content: ListContent, timeBudget: Duration? = nil, broadest: (v4: UInt8, v6: UInt8)? = nil) {
        self.broadest = broadest
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
        self.malformed(
            line: line,
            self.content == .addressesAndDomains ? "is not an IP address, CIDR range or domain name" : "is not an IP address or CIDR range")
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
        var builder = self
        if let broadest = self.broadest {
            // Before normalising: a /0 would otherwise swallow every other entry.
            builder.networks = self.networks.filter { network in
                let tooBroad: Bool
                switch network {
                case .v4(_, let prefix): tooBroad = prefix < broadest.v4
                case .v6(_, let prefix): tooBroad = prefix < broadest.v6
                }
                if tooBroad {
                    builder.malformed(
                        line: 0, "is a network broader than /\(broadest.v4) (IPv4) or /\(broadest.v6) (IPv6): it covers too much of the Internet")
                }
                return !tooBroad
            }
        }
        return ParsedList(
            networks: NetworkSet.normalise(builder.networks), domains: self.domains.sorted(), malformedCount: builder.malformedCount,
            malformedExamples: builder.malformedExamples, ignoredCount: self.ignoredCount, hostBitsCleared: self.hostBitsCleared, failure: nil
        )
    }
}
