import Foundation
import GuardDutyModel
import Logging
import PostgresNIO
import ThreatLists

/// The managed intelligence feeds in PostgreSQL (`intel_feeds`, content in `list_contents` by SHA-256). A change of a
/// feed's content in force moves every detector's config version in the same transaction, so every agent fetches it.
public struct PostgresIntelFeedStore: Sendable {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    public func list() async throws -> [IntelFeedSummary] {
        var feeds: [IntelFeedSummary] = []
        for try await row in try await self.context.client.query(
            """
            SELECT name, kind, format, url, refresh_minutes, terms, content_sha256, entry_count, malformed_count,
                   to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), last_error
            FROM intel_feeds ORDER BY name
            """, logger: self.logger
        ).decode((String, String, String, String?, Int, String, String?, Int, Int, String?, String?, String?).self) {
            let kind = FeedKind(rawValue: row.1)
            let state = row.6 == nil ? "NEVER_FETCHED" : (row.11 == nil ? "ACTIVE" : "STALE")
            let status: String
            switch state {
            case "NEVER_FETCHED": status = "never fetched: " + (row.11 ?? (row.3 == nil ? "import its content" : "not attempted yet"))
            case "STALE": status = "previous version kept (\(row.7) entries from \(row.9 ?? "?")): \(row.11 ?? "")"
            default: status = "in force: \(row.7) entries, updated \(row.9 ?? "?"), checked \(row.10 ?? "?")"
            }
            feeds.append(
                IntelFeedSummary(
                    name: row.0, kind: row.1, format: row.2, url: row.3, refreshMinutes: row.4, terms: row.5, state: state, status: status,
                    entries: row.7, malformedLines: row.8, sha256: row.6, updatedAt: row.9, checkedAt: row.10, lastError: row.11,
                    findingTypes: kind?.findingTypes.map(\.rawValue) ?? []
                ))
        }
        return feeds
    }

    /// Adds a feed, due for its first fetch at once.
    public func add(name: String, kind: FeedKind, format: FeedFormat, url: String?, refreshMinutes: Int, terms: String) async throws {
        try Self.validate(name: name, refreshMinutes: refreshMinutes)
        if let url {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                throw StoreError.invalid("the feed url must be an http(s) URL, not '\(url.prefix(200))'")
            }
            // The guarded fetcher refuses them, and `intel list` would show them.
            guard parsed.user == nil, parsed.password == nil else {
                throw StoreError.invalid("the feed url must not carry user information (a name or password before '@')")
            }
        }
        try await self.context.transaction(signalsChange: false) { connection in
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM intel_feeds WHERE name = \(name)", logger: self.logger) { exists = true }
            guard !exists else { throw StoreError.conflict("a feed named \(name) already exists; remove it first") }
            try await connection.query(
                """
                INSERT INTO intel_feeds (name, kind, format, url, refresh_minutes, terms)
                VALUES (\(name), \(kind.rawValue), \(format.description), \(url), \(refreshMinutes), \(terms))
                """, logger: self.logger
            ).consume()
        }
    }

    /// Removes a feed; agents drop its content with their next configuration.
    public func remove(name: String) async throws {
        try await self.context.transaction(signalsChange: false) { connection in
            var removed: String?? = nil
            for try await sha in try await connection.query(
                "DELETE FROM intel_feeds WHERE name = \(name) RETURNING content_sha256", logger: self.logger
            ).decode(String?.self) {
                removed = .some(sha)
            }
            guard let removed else { throw StoreError.notFound("no feed is named \(name)") }
            if removed != nil { try await connection.bumpEveryConfigVersion(logger: self.logger) }
        }
    }

    /// Leases the feeds due for a fetch (or the named ones, or all with a URL, due or not, when `force`).
    public func claim(names: [String]? = nil, force: Bool = false, leaseSeconds: Int) async throws -> [IntelFeedJob] {
        try await self.context.transaction(signalsChange: false) { connection in
            var jobs: [IntelFeedJob] = []
            for try await row in try await connection.query(
                """
                UPDATE intel_feeds SET claimed_until = now() + make_interval(secs => \(leaseSeconds))
                WHERE name IN (
                    SELECT name FROM intel_feeds
                    WHERE url IS NOT NULL AND (\(names == nil) OR name = ANY(\(names ?? [])))
                      AND (\(force) OR next_check_at <= now()) AND (claimed_until IS NULL OR claimed_until < now())
                    ORDER BY next_check_at FOR UPDATE SKIP LOCKED)
                RETURNING name, kind, format, url, etag, last_modified, content_sha256, entry_count
                """, logger: self.logger
            ).decode((String, String, String, String, String?, String?, String?, Int).self) {
                guard let kind = FeedKind(rawValue: row.1), let format = FeedFormat(name: row.2) else { continue }
                jobs.append(
                    IntelFeedJob(
                        name: row.0, kind: kind, format: format, url: row.3, etag: row.4, lastModified: row.5, previousSHA256: row.6,
                        previousCount: row.6 == nil ? nil : row.7))
            }
            return jobs
        }
    }

    /// Whether a worker holds a feed's lease now.
    public func isBeingFetched(name: String) async throws -> Bool {
        for try await held in try await self.context.client.query(
            "SELECT claimed_until IS NOT NULL AND claimed_until > now() FROM intel_feeds WHERE name = \(name)", logger: self.logger
        ).decode(Bool.self) {
            return held
        }
        return false
    }

    /// Records what a fetch came to and schedules the next one (a failure is retried sooner than a success).
    public func finish(_ job: IntelFeedJob, _ outcome: IntelFeedOutcome) async throws {
        try await self.context.transaction(signalsChange: false) { connection in
            switch outcome {
            case .notModified:
                try await connection.query(
                    """
                    UPDATE intel_feeds SET checked_at = now(), last_error = NULL, claimed_until = NULL,
                           next_check_at = now() + make_interval(mins => refresh_minutes)
                    WHERE name = \(job.name)
                    """, logger: self.logger
                ).consume()
            case .kept(let reason):
                try await connection.query(
                    """
                    UPDATE intel_feeds SET checked_at = now(), last_error = \(reason), claimed_until = NULL,
                           next_check_at = now() + make_interval(mins => least(refresh_minutes, 15))
                    WHERE name = \(job.name)
                    """, logger: self.logger
                ).consume()
            case .content(let body, let sha256, let entryCount, let malformedCount, _, let etag, let lastModified):
                try await self.store(
                    connection, name: job.name, body: body, sha256: sha256, entryCount: entryCount, malformedCount: malformedCount,
                    etag: etag, lastModified: lastModified)
            }
        }
    }

    /// Puts a version in force (a fetch or an import): content stored by hash, validators kept, every agent told.
    func store(
        _ connection: PostgresConnection, name: String, body: String, sha256: String, entryCount: Int, malformedCount: Int, etag: String?,
        lastModified: String?
    ) async throws {
        try await connection.query(
            "INSERT INTO list_contents (sha256, body, entry_count) VALUES (\(sha256), \(body), \(entryCount)) ON CONFLICT (sha256) DO NOTHING",
            logger: self.logger
        ).consume()
        var previous: String?? = nil
        for try await sha in try await connection.query(
            "SELECT content_sha256 FROM intel_feeds WHERE name = \(name) FOR UPDATE", logger: self.logger
        ).decode(String?.self) {
            previous = .some(sha)
        }
        guard let previous else { throw StoreError.notFound("no feed is named \(name)") }
        try await connection.query(
            """
            UPDATE intel_feeds SET content_sha256 = \(sha256), entry_count = \(entryCount), malformed_count = \(malformedCount),
                   etag = \(etag), last_modified = \(lastModified), updated_at = now(), checked_at = now(), last_error = NULL,
                   claimed_until = NULL, next_check_at = now() + make_interval(mins => refresh_minutes)
            WHERE name = \(name)
            """, logger: self.logger
        ).consume()
        if previous != sha256 { try await connection.bumpEveryConfigVersion(logger: self.logger) }
    }

    /// The content of an air-gapped install's feed, from a file the operator brought (creates the feed when `kind` is
    /// given and it does not exist).
    public func importContent(name: String, kind: FeedKind?, format: FeedFormat, body: String, sha256: String, entryCount: Int, malformedCount: Int)
        async throws
    {
        try Self.validate(name: name, refreshMinutes: 60)
        try await self.context.transaction(signalsChange: false) { connection in
            if let kind {
                try await connection.query(
                    """
                    INSERT INTO intel_feeds (name, kind, format, url, refresh_minutes, terms)
                    VALUES (\(name), \(kind.rawValue), \(format.description), NULL, 1440, 'Imported by the operator.')
                    ON CONFLICT (name) DO NOTHING
                    """, logger: self.logger
                ).consume()
            }
            try await self.store(
                connection, name: name, body: body, sha256: sha256, entryCount: entryCount, malformedCount: malformedCount, etag: nil,
                lastModified: nil)
        }
    }

    /// The entry count of a feed's version in force (nil: no such feed or no content), and its format and kind.
    public func current(name: String) async throws -> (kind: FeedKind, format: FeedFormat, entryCount: Int?)? {
        for try await row in try await self.context.client.query(
            "SELECT kind, format, content_sha256 IS NOT NULL, entry_count FROM intel_feeds WHERE name = \(name)", logger: self.logger
        ).decode((String, String, Bool, Int).self) {
            guard let kind = FeedKind(rawValue: row.0), let format = FeedFormat(name: row.1) else { return nil }
            return (kind, format, row.2 ? row.3 : nil)
        }
        return nil
    }

    static func validate(name: String, refreshMinutes: Int) throws {
        let allowed = name.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 46 || byte == 95 || byte == 45
        }
        guard (1...64).contains(name.utf8.count), allowed, name.first.map({ $0.isLetter || $0.isNumber }) == true else {
            throw StoreError.invalid("a feed name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        guard (5...10_080).contains(refreshMinutes) else {
            throw StoreError.invalid("--refresh-minutes must be from 5 to 10080 (a week), not \(refreshMinutes)")
        }
    }
}
