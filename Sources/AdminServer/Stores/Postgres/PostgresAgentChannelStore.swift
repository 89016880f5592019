import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Effective agent configuration and list content from PostgreSQL.
public struct PostgresAgentChannelStore: AgentChannelStore {
    let context: PostgresStoreContext

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    var logger: Logger { self.context.logger }

    public func agentConfig(caller: Caller, detectorId: String) async throws -> AgentConfig {
        try await self.context.client.withConnection { connection in
            let detector = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            var version = 0
            for try await (value) in try await connection.query(
                "SELECT config_version FROM detectors WHERE detector_id = \(detectorId)", logger: self.logger
            ).decode(Int.self) {
                version = value
            }
            let admin = try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger)
            var frequency = detector.frequency
            var features = detector.features
            if let admin {
                for try await row in try await connection.query(
                    """
                    SELECT d.finding_publishing_frequency, d.features::text, m.features::text
                    FROM detectors d JOIN members m ON m.administrator_id = d.account_id AND m.region = d.region
                    WHERE d.account_id = \(admin) AND d.region = \(caller.region) AND m.account_id = \(caller.accountId)
                    """,
                    logger: self.logger
                ).decode((String, String, String).self) {
                    frequency = row.0
                    features = FeatureRules.effectiveMemberFeatures(
                        administrator: try PostgresStoreContext.decodeJSON(FeatureSettings.self, row.1),
                        member: try PostgresStoreContext.decodeJSON(FeatureSettings.self, row.2)
                    )
                }
            }
            var lists: [AgentConfig.ListDescriptor] = []
            for try await row in try await connection.query(
                """
                SELECT list_id, kind, name, format, content_sha256, entry_count FROM lists
                WHERE account_id = \(admin ?? caller.accountId) AND region = \(caller.region) AND content_sha256 IS NOT NULL
                  AND status IN ('ACTIVE', 'ACTIVATING', 'ERROR')
                ORDER BY list_id
                """,
                logger: self.logger
            ).decode((String, String, String, String, String, Int).self) {
                lists.append(.init(
                    id: row.0, kind: row.1, name: row.2, format: row.3, sha256: row.4, entryCount: row.5,
                    trusted: ListKind(rawValue: row.1)?.isTrusted ?? false
                ))
            }
            var featureStatus: [String: String] = ["CLOUD_TRAIL": "ENABLED", "DNS_LOGS": "ENABLED", "FLOW_LOGS": "ENABLED"]
            for feature in DetectorFeature.allCases { featureStatus[feature.rawValue] = features.status(of: feature).rawValue }
            return AgentConfig(
                detectorId: detectorId, accountId: caller.accountId, region: caller.region, version: version, status: detector.status,
                findingPublishingFrequency: frequency, features: featureStatus, administratorId: admin, lists: lists
            )
        }
    }

    public func listContentInForce(caller: Caller, sha256: String) async throws -> String? {
        try await self.context.client.withConnection { connection in
            let owner = try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger) ?? caller.accountId
            for try await (body) in try await connection.query(
                """
                SELECT c.body FROM list_contents c
                WHERE c.sha256 = \(sha256) AND EXISTS (
                    SELECT 1 FROM lists l WHERE l.content_sha256 = c.sha256 AND l.account_id = \(owner) AND l.region = \(caller.region))
                """,
                logger: self.logger
            ).decode(String.self) {
                return body
            }
            return nil
        }
    }
}
