import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// What every PostgreSQL store shares: the client, a logger, the secret box, and the helpers that run one
/// transaction per change and translate PostgreSQL errors at the store's edge.
public struct PostgresStoreContext: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    public let secrets: SecretBox
    /// Moved forward after every committed (or failed) write transaction, for the read caches.
    public let changes: ChangeSignal

    public init(client: PostgresClient, logger: Logger, secrets: SecretBox, changes: ChangeSignal = ChangeSignal()) {
        self.client = client
        self.logger = logger
        self.secrets = secrets
        self.changes = changes
    }

    /// Runs `body` in one transaction; unique and foreign-key violations become `StoreError.conflict`.
    /// `signalsChange: false` is for writes no cache or waiting agent reads (findings, heartbeats), so that they do
    /// not wake every long-polling agent.
    func transaction<Result: Sendable>(signalsChange: Bool = true, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        defer { if signalsChange { self.changes.bump() } }
        do {
            return try await self.client.withTransaction(logger: self.logger) { connection in
                try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            if let closure = error.closureError { throw Self.translate(closure) }
            if let begin = error.beginError { throw Self.translate(begin) }
            if let commit = error.commitError { throw Self.translate(commit) }
            throw error
        }
    }

    static func translate(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError, let code = psql.serverInfo?[.sqlState] else { return error }
        switch code {
        case "23505": return StoreError.conflict(psql.serverInfo?[.message] ?? "conflict")
        case "23503": return StoreError.conflict(psql.serverInfo?[.message] ?? "conflict")
        case "40001", "40P01": return StoreError.conflict("the change conflicted with a concurrent one; retry it")
        default: return error
        }
    }

    /// 32 lowercase hex characters, the form of GuardDuty's detector and invitation ids.
    static func newIdentifier() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func encodeJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    static var now: Double { Date().timeIntervalSince1970 }
}

/// Opaque `nextToken`s: the sort key of the last item of a page, base64url-encoded with a version prefix.
enum PageToken {
    static func encode(_ key: String) -> String {
        Data("gp1:\(key)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String?) throws -> String? {
        guard let token, !token.isEmpty else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8), text.hasPrefix("gp1:") else {
            throw GuardDutyError.badRequest("The request is rejected because the nextToken is not valid: pass the nextToken of the previous response unchanged.")
        }
        return String(text.dropFirst(4))
    }
}

/// SQL shared by the stores.
enum SQL {
    /// ISO 8601 with milliseconds in UTC, as GuardDuty's string timestamps (`createdAt`, `invitedAt`).
    static func isoTimestamp(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    /// A stored finding's document (jsonb) with the columns the administrator changes (archived, feedback) overlaid;
    /// `table` is the alias of `findings` in the query, or empty.
    static func findingDocument(_ table: String = "") -> String {
        let t = table.isEmpty ? "" : "\(table)."
        return "jsonb_set(jsonb_set(\(t)finding, '{service,archived}', to_jsonb(\(t)archived)), '{service,userFeedback}', coalesce(to_jsonb(\(t)feedback), 'null'::jsonb))"
    }
}

/// A detector row as the stores use it.
struct DetectorRow: Sendable {
    var detectorId: String
    var accountId: String
    var region: String
    var status: String
    var frequency: String
    var features: FeatureSettings
    var tags: [String: String]
    var createdAt: String
    var updatedAt: String
    var createdEpoch: Double
}

extension PostgresConnection {
    /// The caller's detector with this id in the caller's region, locked when `forUpdate`; anything else is
    /// GuardDuty's "not owned" error, so ids of other accounts reveal nothing.
    func ownedDetector(_ caller: Caller, _ detectorId: String, forUpdate: Bool = false, logger: Logger) async throws -> DetectorRow {
        try Validate.detectorId(detectorId)
        let row = try await self.detector(id: detectorId, forUpdate: forUpdate, logger: logger)
        try DetectorAccess.requireOwned(owner: row.map { ($0.accountId, $0.region) }, accountId: caller.accountId, region: caller.region)
        guard let row else { throw GuardDutyError.detectorNotOwned }  // requireOwned already refused a missing detector
        return row
    }

    func detector(id: String, forUpdate: Bool = false, logger: Logger) async throws -> DetectorRow? {
        let rows = try await self.query(
            """
            SELECT detector_id, account_id, region, status, finding_publishing_frequency, features::text, tags::text,
                   \(unescaped: SQL.isoTimestamp("created_at")), \(unescaped: SQL.isoTimestamp("updated_at")),
                   extract(epoch from created_at)::float8
            FROM detectors WHERE detector_id = \(id) \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """,
            logger: logger
        )
        for try await row in rows.decode((String, String, String, String, String, String, String, String, String, Double).self) {
            return DetectorRow(
                detectorId: row.0, accountId: row.1, region: row.2, status: row.3, frequency: row.4,
                features: try PostgresStoreContext.decodeJSON(FeatureSettings.self, row.5),
                tags: try PostgresStoreContext.decodeJSON([String: String].self, row.6),
                createdAt: row.7, updatedAt: row.8, createdEpoch: row.9
            )
        }
        return nil
    }

    func detectorId(account: String, region: String, logger: Logger) async throws -> String? {
        for try await (id) in try await self.query(
            "SELECT detector_id FROM detectors WHERE account_id = \(account) AND region = \(region)", logger: logger
        ).decode(String.self) {
            return id
        }
        return nil
    }

    /// Creates a detector with default settings for an account that has none in the region (organisation enrolment).
    func ensureDetector(account: String, region: String, logger: Logger) async throws -> String {
        if let existing = try await self.detectorId(account: account, region: region, logger: logger) { return existing }
        let id = PostgresStoreContext.newIdentifier()
        try await self.query(
            """
            INSERT INTO detectors (detector_id, account_id, region, status, finding_publishing_frequency)
            VALUES (\(id), \(account), \(region), 'ENABLED', 'SIX_HOURS')
            """,
            logger: logger
        )
        return id
    }

    /// Moves the config version of these accounts' detectors forward and wakes the agents waiting on them
    /// (the NOTIFY is delivered when the transaction commits).
    func bumpConfigVersion(accounts: [String], region: String, logger: Logger) async throws {
        guard !accounts.isEmpty else { return }
        try await self.query(
            """
            WITH bumped AS (
                UPDATE detectors SET config_version = config_version + 1
                WHERE region = \(region) AND account_id = ANY(\(accounts))
                RETURNING detector_id, config_version)
            SELECT pg_notify('guardpost_changes', 'config:' || detector_id || ':' || config_version) FROM bumped
            """,
            logger: logger
        )
    }

    /// An account and its associated (Enabled or Disabled) members: the accounts whose agents run with its settings
    /// and lists, so whose config versions move when those change.
    func accountAndAssociatedMembers(_ account: String, region: String, logger: Logger) async throws -> [String] {
        var accounts = [account]
        for try await (member) in try await self.query(
            """
            SELECT account_id FROM members WHERE administrator_id = \(account) AND region = \(region)
              AND relationship_status IN ('Enabled', 'Disabled')
            """,
            logger: logger
        ).decode(String.self) {
            accounts.append(member)
        }
        return accounts
    }

    /// The associated administrator of an account in a region, if any.
    func administratorOf(account: String, region: String, logger: Logger) async throws -> String? {
        for try await (admin) in try await self.query(
            """
            SELECT administrator_id FROM members
            WHERE account_id = \(account) AND region = \(region) AND relationship_status IN ('Enabled', 'Disabled')
            """,
            logger: logger
        ).decode(String.self) {
            return admin
        }
        return nil
    }

    /// Members an administrator has in a region, removed ones left out (what counts against the quota).
    func memberCount(admin: String, region: String, logger: Logger) async throws -> Int {
        for try await (count) in try await self.query(
            """
            SELECT count(*) FROM members WHERE administrator_id = \(admin) AND region = \(region) AND relationship_status <> 'Removed'
            """,
            logger: logger
        ).decode(Int.self) {
            return count
        }
        return 0
    }

    /// Refuses (400, no request made) an S3 location the account may not use: a bucket the operator did not grant it
    /// with `guardpost-admin s3 allow`, or a malformed bucket name or key. Locations that are not S3 pass.
    func requireS3Grant(account: String, location: String?, purpose: String, logger: Logger) async throws {
        guard let location else { return }
        guard let (bucket, key) = S3Location.parse(location) else {
            if location.lowercased().hasPrefix("s3://") {
                throw S3GrantRules.missingKey
            }
            return
        }
        try await self.requireS3Grant(account: account, bucket: bucket, key: key, purpose: purpose, logger: logger)
    }

    func requireS3Grant(account: String, bucket: String, key: String?, purpose: String, logger: Logger) async throws {
        if let problem = S3Location.problem(bucket: bucket, key: key) {
            throw S3GrantRules.malformed(problem)
        }
        let granted = try await self.s3BucketGranted(account: account, bucket: bucket, logger: logger)
        try S3GrantRules.requireGranted(granted, accountId: account, bucket: bucket, purpose: purpose)
    }

    func s3BucketGranted(account: String, bucket: String, logger: Logger) async throws -> Bool {
        for try await _ in try await self.query(
            "SELECT 1 FROM s3_bucket_grants WHERE account_id = \(account) AND bucket = \(bucket)", logger: logger
        ).decode(Int.self) {
            return true
        }
        return false
    }

    func accountExists(_ account: String, logger: Logger) async throws -> Bool {
        for try await _ in try await self.query("SELECT 1 FROM accounts WHERE account_id = \(account)", logger: logger).decode(Int.self) {
            return true
        }
        return false
    }

    func regionEnabled(_ region: String, logger: Logger) async throws -> Bool {
        for try await (enabled) in try await self.query("SELECT enabled FROM regions WHERE name = \(region)", logger: logger).decode(Bool.self) {
            return enabled
        }
        return false
    }

    /// The Enabled members of an administrator in a region: the accounts whose findings it sees and archives.
    func enabledMembers(of administrator: String, region: String, logger: Logger) async throws -> [String] {
        var members: [String] = []
        for try await (member) in try await self.query(
            "SELECT account_id FROM members WHERE administrator_id = \(administrator) AND region = \(region) AND relationship_status = 'Enabled'",
            logger: logger
        ).decode(String.self) {
            members.append(member)
        }
        return members
    }
}
