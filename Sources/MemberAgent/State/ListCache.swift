import Detection
import Foundation
import GuardDutyModel
import SigV4
import ThreatLists

/// The lists of the configurations in force, cached by hash in `<state>/lists` (content addressed, so a list is
/// fetched once and verified against its hash), and the intelligence built from them and the built-in files.
struct ListCache: Sendable {
    let directory: String
    let builtIn: BuiltInIntelligence
    /// Parsed contents by hash and the last intelligence built, so a configuration change re-reads only what changed
    /// and a change of settings alone (frequency, features) reuses the intelligence in force.
    let memo = IntelligenceMemo()

    /// Fetches the lists of a configuration that are not cached yet, verifying each against its hash, and returns the
    /// configuration's intelligence.
    func load(for config: AgentConfig, from channel: any AgentChannel) async throws -> Intelligence {
        let wanted = config.lists.map { ($0.name, $0.sha256) } + (config.feeds ?? []).map { ("feed \($0.name)", $0.sha256) }
        for (name, sha256) in wanted {
            guard !FileManager.default.fileExists(atPath: try self.path(sha256)) else { continue }
            let body = try await channel.fetchList(sha256: sha256)
            let digest = SigV4Encoding.sha256Hex(body)
            guard digest == sha256 else {
                throw AgentError.transport("list \(name) arrived with hash \(digest), not \(sha256)")
            }
            try DurableFile.write(body, to: try self.path(sha256))
        }
        return try self.intelligence(for: config)
    }

    /// The cache file of a list. The hash comes from the server, so it must be 64 hex digits before it names a file.
    func path(_ sha256: String) throws -> String {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw AgentError.transport("the server named a list by '\(sha256.prefix(80))', which is not a SHA-256 in hex")
        }
        return "\(self.directory)/\(sha256)"
    }

    /// The lists of a configuration (from the cache) with the built-in intelligence.
    func intelligence(for config: AgentConfig) throws -> Intelligence {
        let key =
            config.lists.map { "\($0.kind)|\($0.trusted)|\($0.name)|\($0.sha256)" }.joined(separator: "\n") + "\n--\n"
            + (config.feeds ?? []).map { "\($0.kind)|\($0.name)|\($0.sha256)" }.joined(separator: "\n")
        if let intelligence = self.memo.intelligence(for: key) { return intelligence }
        var threats: [(name: String, list: ParsedList)] = []
        var trusted: [ParsedList] = []
        var used: Set<String> = []
        for list in config.lists {
            let entities = list.kind == "THREAT_ENTITY_SET" || list.kind == "TRUSTED_ENTITY_SET"
            let parsed = try self.parsed(list.sha256, what: "list \(list.name)", as: entities ? "entities" : "addresses", used: &used) { bytes in
                ListParser.parse(bytes, format: .txt, content: entities ? .addressesAndDomains : .addresses)
            }
            if list.trusted { trusted.append(parsed) } else { threats.append((list.name, parsed)) }
        }
        var feeds: [IntelFeed] = []
        for feed in config.feeds ?? [] {
            // A kind this agent does not know (a newer server) is left out rather than misread.
            guard let kind = FeedKind(rawValue: feed.kind) else { continue }
            let parsed = try self.parsed(feed.sha256, what: "feed \(feed.name)", as: "feed", used: &used) { FeedParser.parse($0, format: .plain) }
            feeds.append(IntelFeed(name: feed.name, kind: kind, list: parsed))
        }
        let intelligence = self.builtIn.intelligence(threatLists: threats, trustedLists: trusted, feeds: feeds)
        self.memo.keep(intelligence, for: key, parsed: used)
        return intelligence
    }

    /// A cached content parsed (once per hash and reading), or read from its file and parsed.
    private func parsed(
        _ sha256: String, what: String, as reading: String, used: inout Set<String>, parse: ([UInt8]) -> ParsedList
    ) throws -> ParsedList {
        let key = "\(reading)|\(sha256)"
        used.insert(key)
        if let parsed = self.memo.parsed(key) { return parsed }
        guard let data = FileManager.default.contents(atPath: try self.path(sha256)) else {
            throw AgentError.transport("\(what) (\(sha256)) is not cached")
        }
        let parsed = parse(Array(data))
        self.memo.store(parsed, for: key)
        return parsed
    }
}
