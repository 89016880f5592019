import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Detectors, their settings and tags in PostgreSQL. Who may change what is `DetectorAccess`, which features may be
/// switched on `FeatureSupport`, inherited settings `FeatureInheritance`, tag limits `TagRules`; this type loads and saves.
public struct PostgresDetectorStore: DetectorStore {
    let context: PostgresStoreContext

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    static func serviceRole(_ account: String) -> String { DetectorAccess.serviceRole(account) }

    public func createDetector(caller: Caller, request: CreateDetectorRequest) async throws -> String {
        try Validate.clientToken(request.clientToken)
        if let tags = request.tags { try Validate.tags(tags) }
        try FeatureRules.validate(request.features)
        try FeatureSupport.requireProvided(features: request.features, dataSources: request.dataSources)
        let logger = self.context.logger
        return try await self.context.transaction { connection in
            var existing: (detectorId: String, clientToken: String?)?
            for try await (existingId, existingToken) in try await connection.query(
                "SELECT detector_id, client_token FROM detectors WHERE account_id = \(caller.accountId) AND region = \(caller.region)",
                logger: logger
            ).decode((String, String?).self) {
                existing = (existingId, existingToken)
            }
            // A retried CreateDetector with the same client token answers the same detector.
            if let id = try DetectorAccess.createDetector(existing: existing, clientToken: request.clientToken) { return id }
            var features = FeatureSettings()
            features.apply(features: request.features, dataSources: request.dataSources, now: PostgresStoreContext.now)
            let id = PostgresStoreContext.newIdentifier()
            let status = request.enable ? "ENABLED" : "DISABLED"
            let frequency = (request.findingPublishingFrequency ?? .sixHours).rawValue
            try await connection.query(
                """
                INSERT INTO detectors (detector_id, account_id, region, status, finding_publishing_frequency, features, tags, client_token)
                VALUES (\(id), \(caller.accountId), \(caller.region), \(status), \(frequency),
                        \(PostgresStoreContext.encodeJSON(features))::jsonb, \(PostgresStoreContext.encodeJSON(request.tags ?? [:]))::jsonb,
                        \(request.clientToken))
                """,
                logger: logger
            ).consume()
            return id
        }
    }

    public func getDetector(caller: Caller, detectorId: String) async throws -> GetDetectorResponse {
        try Validate.detectorId(detectorId)
        // One round trip: the detector, and the administrator's publishing frequency when the caller is an associated
        // member (its features are its own detector's).
        let rows = try await self.context.client.query(
            """
            SELECT d.account_id, d.region, d.status, d.finding_publishing_frequency, d.features::text, d.tags::text,
                   \(unescaped: SQL.isoTimestamp("d.created_at")), \(unescaped: SQL.isoTimestamp("d.updated_at")),
                   extract(epoch from d.created_at)::float8, ad.finding_publishing_frequency
            FROM detectors d
            LEFT JOIN members m ON m.account_id = d.account_id AND m.region = d.region AND m.relationship_status IN ('Enabled', 'Disabled')
            LEFT JOIN detectors ad ON ad.account_id = m.administrator_id AND ad.region = m.region
            WHERE d.detector_id = \(detectorId)
            """,
            logger: self.context.logger
        )
        for try await row in rows.decode((String, String, String, String, String, String, String, String, Double, String?).self) {
            try DetectorAccess.requireOwned(owner: (row.0, row.1), accountId: caller.accountId, region: caller.region)
            let frequency = FeatureInheritance.effectiveFrequency(own: row.3, administrator: row.9)
            let features = try PostgresStoreContext.decodeJSON(FeatureSettings.self, row.4)
            let role = Self.serviceRole(caller.accountId)
            return GetDetectorResponse(
                createdAt: row.6,
                findingPublishingFrequency: FindingPublishingFrequency(rawValue: frequency) ?? .sixHours,
                serviceRole: role,
                status: FeatureStatus(rawValue: row.2) ?? .enabled,
                updatedAt: row.7,
                dataSources: features.dataSourcesResult(serviceRole: role),
                tags: try PostgresStoreContext.decodeJSON([String: String].self, row.5),
                features: features.detectorFeatureResults(foundationalUpdatedAt: row.8)
            )
        }
        throw GuardDutyError.detectorNotOwned
    }

    public func updateDetector(caller: Caller, detectorId: String, request: UpdateDetectorRequest) async throws {
        try FeatureRules.validate(request.features)
        try FeatureSupport.requireProvided(features: request.features, dataSources: request.dataSources)
        let logger = self.context.logger
        try await self.context.transaction { connection in
            var detector = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: logger)
            let changesSettings = request.findingPublishingFrequency != nil || request.features != nil || request.dataSources != nil
            if changesSettings {
                let admin = try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: logger)
                try DetectorAccess.updateDetector(changesSettings: changesSettings, administrator: admin)
            }
            detector.features.apply(features: request.features, dataSources: request.dataSources, now: PostgresStoreContext.now)
            let status = request.enable.map { $0 ? "ENABLED" : "DISABLED" } ?? detector.status
            let frequency = request.findingPublishingFrequency?.rawValue ?? detector.frequency
            try await connection.query(
                """
                UPDATE detectors SET status = \(status), finding_publishing_frequency = \(frequency),
                       features = \(PostgresStoreContext.encodeJSON(detector.features))::jsonb, updated_at = now()
                WHERE detector_id = \(detectorId)
                """,
                logger: logger
            ).consume()
            try await connection.bumpConfigVersion(
                accounts: try await connection.accountAndAssociatedMembers(caller.accountId, region: caller.region, logger: logger),
                region: caller.region, logger: logger
            )
        }
    }

    public func deleteDetector(caller: Caller, detectorId: String) async throws {
        let logger = self.context.logger
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: logger)
            var count = 0
            for try await (value) in try await connection.query(
                """
                SELECT count(*) FROM members WHERE administrator_id = \(caller.accountId) AND region = \(caller.region)
                  AND relationship_status IN ('Invited', 'Enabled', 'Disabled')
                """,
                logger: logger
            ).decode(Int.self) {
                count = value
            }
            // The administrator is looked up only for a detector without members (the first refusal wins).
            let admin = count > 0 ? nil : try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: logger)
            try DetectorAccess.deleteDetector(invitedOrAssociatedMembers: count, administrator: admin)
            try await connection.query("DELETE FROM detectors WHERE detector_id = \(detectorId)", logger: logger).consume()
            try await connection.query("SELECT pg_notify('guardpost_changes', 'detector:' || \(detectorId))", logger: logger).consume()
        }
    }

    public func listDetectors(caller: Caller, maxResults: Int, nextToken: String?) async throws -> Page<String> {
        let after = try PageToken.decode(nextToken) ?? ""
        var ids: [String] = []
        for try await (id) in try await self.context.client.query(
            """
            SELECT detector_id FROM detectors WHERE account_id = \(caller.accountId) AND region = \(caller.region) AND detector_id > \(after)
            ORDER BY detector_id LIMIT \(maxResults + 1)
            """,
            logger: self.context.logger
        ).decode(String.self) {
            ids.append(id)
        }
        let more = ids.count > maxResults
        ids = Array(ids.prefix(maxResults))
        return Page(items: ids, nextToken: more ? ids.last.map(PageToken.encode) : nil)
    }

    // MARK: tags

    /// Resolves a detector ARN of the caller: `arn:aws:guardduty:REGION:ACCOUNT:detector/ID`.
    private func detectorId(fromArn arn: String, caller: Caller) throws -> String {
        try DetectorAccess.detectorId(fromArn: arn, accountId: caller.accountId, region: caller.region)
    }

    public func tags(caller: Caller, resourceArn: String) async throws -> [String: String] {
        let id = try self.detectorId(fromArn: resourceArn, caller: caller)
        return try await self.context.client.withConnection { connection in
            try await connection.ownedDetector(caller, id, logger: self.context.logger).tags
        }
    }

    public func tagResource(caller: Caller, resourceArn: String, tags: [String: String]) async throws {
        try Validate.tags(tags)
        let id = try self.detectorId(fromArn: resourceArn, caller: caller)
        let logger = self.context.logger
        try await self.context.transaction { connection in
            let detector = try await connection.ownedDetector(caller, id, forUpdate: true, logger: logger)
            let merged = try TagRules.merge(detector.tags, tags)
            try await connection.query(
                "UPDATE detectors SET tags = \(PostgresStoreContext.encodeJSON(merged))::jsonb WHERE detector_id = \(id)", logger: logger
            ).consume()
            try await connection.query("SELECT pg_notify('guardpost_changes', 'detector:' || \(id))", logger: logger).consume()
        }
    }

    public func untagResource(caller: Caller, resourceArn: String, tagKeys: [String]) async throws {
        try TagRules.untagKeys(tagKeys)
        let id = try self.detectorId(fromArn: resourceArn, caller: caller)
        let logger = self.context.logger
        try await self.context.transaction { connection in
            var tags = try await connection.ownedDetector(caller, id, forUpdate: true, logger: logger).tags
            for key in tagKeys { tags.removeValue(forKey: key) }
            try await connection.query(
                "UPDATE detectors SET tags = \(PostgresStoreContext.encodeJSON(tags))::jsonb WHERE detector_id = \(id)", logger: logger
            ).consume()
            try await connection.query("SELECT pg_notify('guardpost_changes', 'detector:' || \(id))", logger: logger).consume()
        }
    }
}
