import AdminServer
import ArgumentParser
import Foundation
import SigV4
import ThreatLists

extension GuardpostAdmin {
    /// `guardpost-admin intel list|add|remove|refresh|import`: the managed threat-intelligence feeds every agent runs
    /// with (Tor exits, C&C servers, mining pools, malicious and phishing domains).
    struct Intel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the threat-intelligence feeds pushed to every agent (kinds: \(FeedKind.names)).",
            subcommands: [List.self, Add.self, Remove.self, Refresh.self, Import.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the feeds: kind, source, terms, state (never fetched and why, in force, previous kept and why) (JSON).")
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let feeds = try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).intelFeeds.list()
                }
                try printJSON(feeds)
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a feed; the server fetches it at once and then on its schedule.")
            @Option(help: "The feed's name, cited by findings (letters, digits, '.', '_', '-').") var name: String
            @Option(help: "http(s) URL of the feed.") var url: String
            @Option(help: "What a hit means: \(FeedKind.names).") var kind: String
            @Option(help: "How the file is written: \(FeedFormat.names).") var format: String = "plain"
            @Option(name: .customLong("refresh-minutes"), help: "Minutes between two checks (5 to 10080).") var refreshMinutes: Int = 60
            @Option(help: "The source's terms of use, shown by `intel list`.") var terms: String = ""
            @OptionGroup var database: DatabaseOptions

            func validate() throws {
                guard FeedKind(rawValue: self.kind) != nil else { throw ValidationError("--kind must be one of \(FeedKind.names)") }
                guard FeedFormat(name: self.format) != nil else { throw ValidationError("--format must be one of \(FeedFormat.names)") }
            }

            func run() async throws {
                let (name, url, refresh, terms) = (self.name, self.url, self.refreshMinutes, self.terms)
                guard let kind = FeedKind(rawValue: self.kind), let format = FeedFormat(name: self.format) else { return }
                try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).intelFeeds.add(
                        name: name, kind: kind, format: format, url: url, refreshMinutes: refresh, terms: terms)
                }
                try printJSON(["added": name])
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a feed; agents drop it with their next configuration.")
            @Option(help: "The feed's name.") var name: String
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let name = self.name
                try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).intelFeeds.remove(name: name)
                }
                try printJSON(["removed": name])
            }
        }

        struct Refresh: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Fetch feeds now (all, or --name), conditionally; prints what each came to. Agents get new versions within a second.")
            @Option(help: "Only this feed (repeatable).") var name: [String] = []
            @Flag(name: .customLong("accept-shrink"), help: "Accept a new version with less than half the entries of the one in force.")
            var acceptShrink = false
            @Option(
                name: .customLong("allow-fetch-from"),
                help: "A network (CIDR) that may be fetched from although internal; repeatable. Also GUARDPOST_ALLOW_FETCH_FROM.")
            var allowFetchFrom: [String] = []
            @Option(name: .customLong("fetch-timeout-seconds"), help: "Total deadline of one fetch, redirects included.")
            var fetchTimeoutSeconds: Int = 120
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let names = self.name.isEmpty ? nil : self.name
                let allowShrink = self.acceptShrink
                let http = GuardedHTTP(policy: OutboundPolicy(allowed: try Serve.allowedNetworks(self.allowFetchFrom)))
                let limits = FetchLimits(maxBytes: FeedRefresher.maxBytes, deadline: .seconds(max(1, self.fetchTimeoutSeconds)))
                let results = try await self.database.withDatabase { client, secrets, logger in
                    let store = PostgresStores(client: client, secrets: secrets, logger: logger).intelFeeds
                    if let names {
                        let known = Set(try await store.list().map(\.name))
                        for name in names where !known.contains(name) { throw ValidationError("no feed is named \(name)") }
                    }
                    let refresher = FeedRefresher(store: store, http: http, limits: limits, logger: logger)
                    return try await refresher.refresh(names: names, force: true, allowShrink: allowShrink).map { ["feed": $0.0, "outcome": $0.1] }
                }
                try printJSON(results)
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Put a feed's content in force from a file (air-gapped installs); creates the feed when --kind is given.")
            @Option(help: "The feed's name.") var name: String
            @Option(help: "The file to read (the feed's format, or judged from the content).") var file: String
            @Option(help: "Create the feed with this kind when it does not exist: \(FeedKind.names).") var kind: String?
            @Option(help: "How the file is written (default: the feed's format, or judged from the content).") var format: String?
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let (name, path) = (self.name, self.file)
                let newKind = try self.kind.map { text in
                    guard let kind = FeedKind(rawValue: text) else { throw ValidationError("--kind must be one of \(FeedKind.names)") }
                    return kind
                }
                let explicit = try self.format.map { text in
                    guard let format = FeedFormat(name: text) else { throw ValidationError("--format must be one of \(FeedFormat.names)") }
                    return format
                }
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                guard (attributes?[.type] as? FileAttributeType) == .typeRegular, let data = FileManager.default.contents(atPath: path) else {
                    throw ValidationError("\(path) is not a readable regular file")
                }
                guard data.count <= FeedRefresher.maxBytes else {
                    throw ValidationError("\(path) is \(data.count) bytes; feeds are limited to \(FeedRefresher.maxBytes) bytes")
                }
                let bytes = Array(data)
                let summary = try await self.database.withDatabase { client, secrets, logger in
                    let store = PostgresStores(client: client, secrets: secrets, logger: logger).intelFeeds
                    let current = try await store.current(name: name)
                    guard current != nil || newKind != nil else { throw ValidationError("no feed is named \(name); give --kind to create it") }
                    let format = explicit ?? current?.format ?? FeedFormat.guess(bytes)
                    // The operator chose this file: a shrink is theirs to make; an unreadable file is still refused.
                    switch FeedRefresher.version(bytes, format: format, previousCount: nil, allowShrink: true) {
                    case .kept(let reason):
                        throw ValidationError("\(path) was not imported: \(reason)")
                    case .content(let body, let sha256, let entryCount, let malformedCount, _, _, _):
                        try await store.importContent(
                            name: name, kind: newKind, format: format, body: body, sha256: sha256, entryCount: entryCount,
                            malformedCount: malformedCount)
                        return ["imported": name, "entries": "\(entryCount)", "malformedLines": "\(malformedCount)"]
                    case .notModified:  // only a conditional fetch answers this
                        throw ValidationError("\(path) was not imported")
                    }
                }
                try printJSON(summary)
            }
        }
    }
}
