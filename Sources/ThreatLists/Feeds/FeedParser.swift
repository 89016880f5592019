/// Reads a managed intelligence feed into a `ParsedList` (addresses and domains both kept; the feed's kind says what
/// each means). Linear in the file's size, with the same time budget as lists; bad lines are counted, never fatal.
public enum FeedParser {
    /// Addresses a hosts file points blocked names at: never entries themselves.
    static let sinks: Set<String> = ["0.0.0.0", "127.0.0.1", "::", "::1", "0:0:0:0:0:0:0:0", "0"]
    /// Names hosts files carry for the machine itself.
    static let localNames: Set<String> = [
        "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback", "ip6-localnet", "ip6-mcastprefix",
        "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0",
    ]

    /// The broadest networks a feed may name: one line must not mark a sizeable part of the Internet (a /0 would make
    /// every connection a Tor connection). Broader ones are counted as malformed.
    public static let broadest: (v4: UInt8, v6: UInt8) = (8, 16)

    /// Parses a feed; entries that are themselves public suffixes (`co.uk`, `github.io`) are left out and counted with
    /// the ignored entries.
    public static func parse(_ data: [UInt8], format: FeedFormat, timeBudget: Duration? = ListParser.defaultTimeBudget) -> ParsedList {
        var parsed = self.parseEntries(data, format: format, timeBudget: timeBudget)
        let suffixes = PublicSuffixes.embedded
        let kept = parsed.domains.filter { !suffixes.contains($0) }
        parsed.ignoredCount += parsed.domains.count - kept.count
        parsed.domains = kept
        return parsed
    }

    static func parseEntries(_ data: [UInt8], format: FeedFormat, timeBudget: Duration?) -> ParsedList {
        switch format {
        case .plain:
            return ListParser.parse(data, format: .txt, content: .addressesAndDomains, timeBudget: timeBudget, broadest: Self.broadest)
        case .list(let list):
            return ListParser.parse(data, format: list, content: .addressesAndDomains, timeBudget: timeBudget, broadest: Self.broadest)
        case .hosts:
            var builder = ListBuilder(content: .addressesAndDomains, timeBudget: timeBudget, broadest: Self.broadest)
            self.parseHosts(data, into: &builder)
            return builder.finish()
        }
    }

    /// `ADDRESS NAME [NAME…] [# comment]` lines: the names pointed at a sink are entries; a line that points names at a
    /// real address is an entry for that address and its names.
    static func parseHosts(_ data: [UInt8], into builder: inout ListBuilder) {
        ListParser.lines(data) { number, line in
            guard !builder.outOfTime(line: number) else { return false }
            guard !ListParser.isComment(line) else { return true }
            let content = line.firstIndex(of: UInt8(ascii: "#")).map { line[..<$0] } ?? line
            let fields = content.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 13 })
            guard let first = fields.first else { return true }
            let address = String(decoding: first, as: UTF8.self)
            guard fields.count >= 2 else {
                // A bare name or address on its own line, as some hosts-style feeds mix in.
                builder.add(address, line: number)
                return true
            }
            if !self.sinks.contains(address) { builder.add(address, line: number) }
            for name in fields.dropFirst() {
                let text = String(decoding: name, as: UTF8.self).lowercased()
                guard !self.localNames.contains(text) else { continue }
                // Only names follow the address of a hosts line.
                guard IPNetwork.parse(Array(text.utf8)) == nil else {
                    builder.malformed(line: number, "has an address or network where a host name belongs")
                    continue
                }
                builder.add(text, line: number)
            }
            return true
        }
    }
}
