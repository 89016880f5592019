import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// The organisation path in PostgreSQL: the delegated administrator per region and its auto-enable settings. Who may
/// do what is `OrganizationRules`, what auto-enable switches on `FeatureInheritance`; this type loads and saves.
public struct PostgresOrganizationStore: OrganizationStore {
    let context: PostgresStoreContext

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    var logger: Logger { self.context.logger }

    public func enableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws {
        try OrganizationRules.requireManagement(caller.isOrganizationManagement)
        try Validate.accountId(adminAccountId, field: "adminAccountId")
        try await self.context.transaction { connection in
            guard try await connection.accountExists(adminAccountId, logger: self.logger) else {
                throw GuardDutyError.badRequest(MembershipRules.Reason.unknownAccount(adminAccountId))
            }
            try await connection.query("LOCK TABLE organization_admins IN SHARE ROW EXCLUSIVE MODE", logger: self.logger).consume()
            var designated: [(region: String, admin: String)] = []
            for try await (region, admin) in try await connection.query(
                "SELECT region, admin_account_id FROM organization_admins", logger: self.logger
            ).decode((String, String).self) {
                designated.append((region, admin))
            }
            let administrator = try await connection.administratorOf(account: adminAccountId, region: caller.region, logger: self.logger)
            try OrganizationRules.enableAdmin(adminAccountId, designated: designated, administratorOfAdmin: administrator, region: caller.region)
            try await connection.query(
                "INSERT INTO organization_admins (region, admin_account_id) VALUES (\(caller.region), \(adminAccountId)) ON CONFLICT (region) DO NOTHING",
                logger: self.logger
            ).consume()
            // The delegated administrator gets GuardDuty enabled in the region.
            _ = try await connection.ensureDetector(account: adminAccountId, region: caller.region, logger: self.logger)
        }
    }

    public func disableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws {
        try OrganizationRules.requireManagement(caller.isOrganizationManagement)
        try Validate.accountId(adminAccountId, field: "adminAccountId")
        try await self.context.transaction { connection in
            let current = try await connection.organizationAdmin(region: caller.region, logger: self.logger)
            try OrganizationRules.disableAdmin(adminAccountId, current: current, region: caller.region)
            try await connection.query("DELETE FROM organization_admins WHERE region = \(caller.region)", logger: self.logger).consume()
            try await connection.query(
                "DELETE FROM organization_configurations WHERE admin_account_id = \(adminAccountId) AND region = \(caller.region)",
                logger: self.logger
            ).consume()
            // Removing the delegated administrator removes its organisation members; GuardDuty stays enabled in them.
            var removed: [String] = []
            for try await (account) in try await connection.query(
                """
                UPDATE members SET relationship_status = 'Removed', updated_at = now()
                WHERE administrator_id = \(adminAccountId) AND region = \(caller.region) AND added_by_organization
                  AND relationship_status <> 'Removed'
                RETURNING account_id
                """,
                logger: self.logger
            ).decode(String.self) {
                removed.append(account)
            }
            try await connection.bumpConfigVersion(accounts: removed, region: caller.region, logger: self.logger)
        }
    }

    public func listOrganizationAdmins(caller: Caller) async throws -> [AdminAccount] {
        try OrganizationRules.requireManagement(caller.isOrganizationManagement)
        var admins: [AdminAccount] = []
        for try await (admin) in try await self.context.client.query(
            "SELECT admin_account_id FROM organization_admins WHERE region = \(caller.region)", logger: self.logger
        ).decode(String.self) {
            admins.append(AdminAccount(adminAccountId: admin, adminStatus: .enabled))
        }
        return admins
    }

    public func updateOrganizationConfiguration(caller: Caller, detectorId: String, request: UpdateOrganizationConfigurationRequest) async throws {
        let requested = try OrganizationRules.requestedAutoEnable(request)
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            let delegated = try await connection.organizationAdmin(region: caller.region, logger: self.logger)
            try OrganizationRules.requireDelegatedAdmin(current: delegated, accountId: caller.accountId)
            let current = try await connection.organizationSettings(admin: caller.accountId, region: caller.region, logger: self.logger)
            let settings = OrganizationRules.apply(request, autoEnable: requested, to: current)
            try await connection.query(
                """
                INSERT INTO organization_configurations (admin_account_id, region, settings)
                VALUES (\(caller.accountId), \(caller.region), \(PostgresStoreContext.encodeJSON(settings))::jsonb)
                ON CONFLICT (admin_account_id, region) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()
                """,
                logger: self.logger
            ).consume()
            try await self.applyAll(connection, caller: caller, settings: settings)
        }
    }

    /// ALL applies to every account of the organisation now (GuardDuty takes up to 24 h; Guardpost does it in
    /// the same transaction); a feature set to ALL is switched on in every existing organisation member's detector.
    private func applyAll(_ connection: PostgresConnection, caller: Caller, settings: OrganizationSettings) async throws {
        if settings.autoEnableOrganizationMembers == .all {
            var accounts: [String] = []
            for try await (account) in try await connection.query(
                "SELECT account_id FROM accounts WHERE NOT organization_management AND account_id <> \(caller.accountId) ORDER BY account_id",
                logger: self.logger
            ).decode(String.self) {
                accounts.append(account)
            }
            for account in accounts {
                try await connection.enrollOrganizationMember(
                    admin: caller.accountId, region: caller.region, account: account, settings: settings, logger: self.logger
                )
            }
        }
        let allFeatures = FeatureInheritance.featuresForAllMembers(settings)
        guard !allFeatures.isEmpty else { return }
        var members: [(account: String, detectorId: String)] = []
        for try await row in try await connection.query(
            """
            SELECT m.account_id, d.detector_id FROM members m JOIN detectors d ON d.account_id = m.account_id AND d.region = m.region
            WHERE m.administrator_id = \(caller.accountId) AND m.region = \(caller.region)
              AND m.added_by_organization AND m.relationship_status IN ('Enabled', 'Disabled')
            ORDER BY m.account_id
            """,
            logger: self.logger
        ).decode((String, String).self) {
            members.append(row)
        }
        let now = PostgresStoreContext.now
        for member in members {
            try await connection.switchOnFeatures(detectorId: member.detectorId, logger: self.logger) {
                FeatureInheritance.applyAll(allFeatures, to: $0, now: now)
            }
        }
        try await connection.bumpConfigVersion(accounts: members.map(\.account), region: caller.region, logger: self.logger)
    }

    public func describeOrganizationConfiguration(caller: Caller, detectorId: String) async throws -> DescribeOrganizationConfigurationResponse {
        try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            let delegated = try await connection.organizationAdmin(region: caller.region, logger: self.logger)
            try OrganizationRules.requireDelegatedAdmin(current: delegated, accountId: caller.accountId)
            let settings = try await connection.organizationSettings(admin: caller.accountId, region: caller.region, logger: self.logger)
            let count = try await connection.memberCount(admin: caller.accountId, region: caller.region, logger: self.logger)
            return DescribeOrganizationConfigurationResponse(
                settings: settings, memberAccountLimitReached: OrganizationRules.memberAccountLimitReached(memberCount: count)
            )
        }
    }
}
