import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// The administrator's state-machine steps on its members, and the members' detector settings (kept on each member's
/// own detector).
extension PostgresMemberStore {
    /// Applies a state-machine step (`MembershipRules.plan`) to the listed members; `effect` writes each change.
    func transition(
        caller: Caller, detectorId: String, accountIds: [String],
        rule: @escaping @Sendable (MembershipRules.MemberState, _ organizationAll: Bool) -> MembershipRules.Outcome,
        effect: @escaping @Sendable (PostgresConnection, MemberRow, MembershipRules.Outcome) async throws -> Void
    ) async throws -> [UnprocessedAccount] {
        try Validate.accountIds(accountIds)
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            let organizationAll = try await self.organizationAll(connection, admin: caller.accountId, region: caller.region)
            let rows = try await self.members(connection, admin: caller.accountId, region: caller.region, accountIds: accountIds)
            let plan = MembershipRules.plan(accountIds, members: rows.mapValues(\.state), organizationAll: organizationAll, rule: rule)
            for change in plan.changes {
                guard let row = rows[change.accountId] else { continue }
                try await effect(connection, row, change.outcome)
            }
            try await connection.bumpConfigVersion(accounts: plan.changes.map(\.accountId), region: caller.region, logger: self.logger)
            return plan.unprocessed
        }
    }

    public func disassociateMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> [UnprocessedAccount] {
        try await self.transition(
            caller: caller, detectorId: detectorId, accountIds: accountIds,
            rule: { member, organizationAll in MembershipRules.disassociate(member.status, organizationAll: organizationAll) },
            effect: { connection, row, outcome in
                guard case .moveTo(let status) = outcome else { return }
                try await self.setStatus(connection, admin: caller.accountId, region: caller.region, account: row.accountId, status)
                try await self.withdrawInvitations(connection, admin: caller.accountId, region: caller.region, account: row.accountId)
            }
        )
    }

    public func deleteMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> [UnprocessedAccount] {
        try await self.transition(
            caller: caller, detectorId: detectorId, accountIds: accountIds,
            rule: { member, _ in MembershipRules.delete(member.status) },
            effect: { connection, row, _ in
                try await self.withdrawInvitations(connection, admin: caller.accountId, region: caller.region, account: row.accountId)
                try await connection.query(
                    "DELETE FROM members WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND account_id = \(row.accountId)",
                    logger: self.logger
                ).consume()
            }
        )
    }

    public func setMonitoring(caller: Caller, detectorId: String, accountIds: [String], enabled: Bool) async throws -> [UnprocessedAccount] {
        try await self.transition(
            caller: caller, detectorId: detectorId, accountIds: accountIds,
            rule: { member, organizationAll in
                enabled
                    ? MembershipRules.startMonitoring(member.status)
                    : MembershipRules.stopMonitoring(member.status, organizationAll: organizationAll)
            },
            effect: { connection, row, outcome in
                guard case .moveTo(let status) = outcome else { return }
                try await self.setStatus(connection, admin: caller.accountId, region: caller.region, account: row.accountId, status)
            }
        )
    }

    public func getMemberDetectors(caller: Caller, detectorId: String, accountIds: [String]) async throws -> GetMemberDetectorsResponse {
        try Validate.accountIds(accountIds)
        return try await self.context.transaction { connection in
            let admin = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            let rows = try await self.members(connection, admin: caller.accountId, region: caller.region, accountIds: accountIds)
            var configurations: [MemberDataSourceConfiguration] = []
            var unprocessed: [UnprocessedAccount] = []
            for account in accountIds {
                if let reason = MembershipRules.readable(rows[account]?.status, requireAssociated: true) {
                    unprocessed.append(.init(accountId: account, result: reason))
                    continue
                }
                guard let row = rows[account] else { continue }
                let features = row.features
                let results = features.detectorFeatureResults(foundationalUpdatedAt: admin.createdEpoch)
                    .filter { DetectorFeature(rawValue: $0.name) != nil }
                    .map {
                        MemberFeaturesConfigurationResult(
                            name: $0.name, status: $0.status, updatedAt: $0.updatedAt, additionalConfiguration: $0.additionalConfiguration
                        )
                    }
                configurations.append(
                    MemberDataSourceConfiguration(
                        accountId: account,
                        dataSources: features.dataSourcesResult(serviceRole: PostgresDetectorStore.serviceRole(account)),
                        features: results
                    ))
            }
            return GetMemberDetectorsResponse(members: configurations, unprocessedAccounts: unprocessed)
        }
    }

    public func updateMemberDetectors(
        caller: Caller, detectorId: String, request: UpdateMemberDetectorsRequest
    ) async throws -> [UnprocessedAccount] {
        try FeatureRules.validate(request.features)
        try FeatureSupport.requireProvided(features: request.features, dataSources: request.dataSources)
        let now = PostgresStoreContext.now
        return try await self.transition(
            caller: caller, detectorId: detectorId, accountIds: request.accountIds,
            rule: { member, _ in MembershipRules.updateSettings(member.status) },
            effect: { connection, row, _ in
                var features = row.features
                features.apply(features: request.features, dataSources: request.dataSources, now: now)
                // The member's own detector carries its features, as in GuardDuty.
                try await connection.query(
                    """
                    UPDATE detectors SET features = \(PostgresStoreContext.encodeJSON(features))::jsonb, updated_at = now()
                    WHERE account_id = \(row.accountId) AND region = \(caller.region)
                    """,
                    logger: self.logger
                ).consume()
            }
        )
    }
}
