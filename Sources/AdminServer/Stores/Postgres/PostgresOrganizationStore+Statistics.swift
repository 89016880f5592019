import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// GetOrganizationStatistics: the counts are read in one snapshot and made by `OrganizationStatisticsRules`.
extension PostgresOrganizationStore {
    public func organizationStatistics(caller: Caller) async throws -> GetOrganizationStatisticsResponse {
        try await self.context.transaction(signalsChange: false) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger).consume()
            let delegated = try await connection.organizationAdmin(region: caller.region, logger: self.logger)
            try OrganizationRules.requireDelegatedAdmin(current: delegated, accountId: caller.accountId)
            var totals = (accounts: 0, enabled: 0)
            for try await row in try await connection.query(
                """
                SELECT (SELECT count(*) FROM accounts)::int8,
                       (SELECT count(*) FROM accounts a JOIN detectors d ON d.account_id = a.account_id
                        WHERE d.region = \(caller.region) AND d.status = 'ENABLED')::int8
                """,
                logger: self.logger
            ).decode((Int, Int).self) {
                totals = row
            }
            var members: [OrganizationStatisticsRules.Member] = []
            for try await (status, detectorStatus, features) in try await connection.query(
                """
                SELECT m.relationship_status, d.status, COALESCE(d.features::text, '{"features": {}}')
                FROM members m LEFT JOIN detectors d ON d.account_id = m.account_id AND d.region = m.region
                WHERE m.administrator_id = \(caller.accountId) AND m.region = \(caller.region)
                  AND m.relationship_status IN ('Enabled', 'Disabled')
                """,
                logger: self.logger
            ).decode((String, String?, String).self) {
                members.append(
                    .init(
                        relationship: RelationshipStatus(rawValue: status) ?? .disabled, detectorEnabled: detectorStatus == "ENABLED",
                        features: try PostgresStoreContext.decodeJSON(FeatureSettings.self, features)
                    ))
            }
            let statistics = OrganizationStatisticsRules.statistics(totalAccounts: totals.accounts, enabledAccounts: totals.enabled, members: members)
            return GetOrganizationStatisticsResponse(updatedAt: PostgresStoreContext.now.rounded(.down), statistics: statistics)
        }
    }
}
