import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Reads and writes every store shares: detectors, config versions, membership lookups, S3 grants.
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
                   extract(epoch from created_at)::float8, config_version
            FROM detectors WHERE detector_id = \(id) \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """,
            logger: logger
        )
        for try await row in rows.decode((String, String, String, String, String, String, String, String, String, Double, Int).self) {
            return DetectorRow(
                detectorId: row.0, accountId: row.1, region: row.2, status: row.3, frequency: row.4,
                features: try PostgresStoreContext.decodeJSON(FeatureSettings.self, row.5),
                tags: try PostgresStoreContext.decodeJSON([String: String].self, row.6),
                createdAt: row.7, updatedAt: row.8, createdEpoch: row.9, configVersion: row.10
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
        ).consume()
        return id
    }

    /// Moves the config version of these accounts' detectors forward and wakes the agents waiting on them
    /// (the NOTIFY is delivered when the transaction commits).
    ///
    /// The rows are locked first in one order: the first account's detector (an administrator's change has usually
    /// locked it already), then the others by id. Two changes bumping the same detectors (a list activation and
    /// UpdateMemberDetectors) then wait for each other instead of deadlocking. The rows are read to the end: a
    /// failure surfaces here instead of leaving an aborted transaction whose COMMIT silently rolls back.
    func bumpConfigVersion(accounts: [String], region: String, logger: Logger) async throws {
        guard !accounts.isEmpty else { return }
        for try await _ in try await self.query(
            """
            SELECT detector_id FROM detectors WHERE region = \(region) AND account_id = ANY(\(accounts))
            ORDER BY account_id = \(accounts[0]) DESC, detector_id FOR NO KEY UPDATE
            """,
            logger: logger
        ) {}
        for try await _ in try await self.query(
            """
            WITH bumped AS (
                UPDATE detectors SET config_version = config_version + 1
                WHERE region = \(region) AND account_id = ANY(\(accounts))
                RETURNING detector_id, config_version)
            SELECT pg_notify('guardpost_changes', 'config:' || detector_id || ':' || config_version) FROM bumped
            """,
            logger: logger
        ) {}
    }

    /// Moves every detector's config version forward (a managed intelligence feed changed: every agent runs with it),
    /// locking the rows in id order first.
    func bumpEveryConfigVersion(logger: Logger) async throws {
        for try await _ in try await self.query("SELECT detector_id FROM detectors ORDER BY detector_id FOR NO KEY UPDATE", logger: logger) {}
        for try await _ in try await self.query(
            """
            WITH bumped AS (UPDATE detectors SET config_version = config_version + 1 RETURNING detector_id, config_version)
            SELECT pg_notify('guardpost_changes', 'config:' || detector_id || ':' || config_version) FROM bumped
            """,
            logger: logger
        ) {}
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
