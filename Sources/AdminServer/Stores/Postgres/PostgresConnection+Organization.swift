import GuardDutyModel
import Logging
import PostgresNIO

extension PostgresConnection {
    /// The delegated administrator of the organisation in a region, if one is designated.
    func organizationAdmin(region: String, logger: Logger) async throws -> String? {
        for try await (admin) in try await self.query(
            "SELECT admin_account_id FROM organization_admins WHERE region = \(region)", logger: logger
        ).decode(String.self) {
            return admin
        }
        return nil
    }

    func organizationSettings(admin: String, region: String, logger: Logger) async throws -> OrganizationSettings {
        for try await (text) in try await self.query(
            "SELECT settings::text FROM organization_configurations WHERE admin_account_id = \(admin) AND region = \(region)",
            logger: logger
        ).decode(String.self) {
            return try PostgresStoreContext.decodeJSON(OrganizationSettings.self, text)
        }
        return OrganizationSettings()
    }

    /// Makes `account` an Enabled member of the delegated administrator without an invitation, as the organisation
    /// path does: its detector is created when missing and the features set to auto-enable are switched on in it.
    /// Returns false (and changes nothing) when the account is associated with another administrator.
    @discardableResult
    func enrollOrganizationMember(
        admin: String, region: String, account: String, settings: OrganizationSettings, logger: Logger
    ) async throws -> Bool {
        guard account != admin else { return false }
        if let current = try await self.administratorOf(account: account, region: region, logger: logger) {
            return current == admin
        }
        let detectorId = try await self.ensureDetector(account: account, region: region, logger: logger)
        try await self.query(
            """
            INSERT INTO members (administrator_id, region, account_id, email, relationship_status, added_by_organization)
            SELECT \(admin), \(region), account_id, email, 'Enabled', true FROM accounts WHERE account_id = \(account)
            ON CONFLICT (administrator_id, region, account_id) DO UPDATE
                SET relationship_status = 'Enabled', added_by_organization = true, updated_at = now()
            """,
            logger: logger
        ).consume()
        try await self.switchOnFeatures(detectorId: detectorId, logger: logger) {
            FeatureInheritance.enrolledMemberFeatures(settings, current: $0, now: PostgresStoreContext.now)
        }
        try await self.bumpConfigVersion(accounts: [account], region: region, logger: logger)
        return true
    }

    /// Rewrites a detector's features with `change` (the row is locked while it is read and written).
    func switchOnFeatures(detectorId: String, logger: Logger, _ change: (FeatureSettings) -> FeatureSettings) async throws {
        var current = FeatureSettings()
        for try await (text) in try await self.query(
            "SELECT features::text FROM detectors WHERE detector_id = \(detectorId) FOR UPDATE", logger: logger
        ).decode(String.self) {
            current = try PostgresStoreContext.decodeJSON(FeatureSettings.self, text)
        }
        let changed = change(current)
        guard changed != current else { return }
        try await self.query(
            """
            UPDATE detectors SET features = \(PostgresStoreContext.encodeJSON(changed))::jsonb, updated_at = now()
            WHERE detector_id = \(detectorId)
            """,
            logger: logger
        ).consume()
    }

    /// Applies auto-enable NEW/ALL to a newly created account in every region with a delegated administrator.
    func applyAutoEnableToNewAccount(_ account: String, isManagement: Bool, logger: Logger) async throws {
        guard !isManagement else { return }
        var admins: [(String, String)] = []
        for try await row in try await self.query(
            "SELECT region, admin_account_id FROM organization_admins", logger: logger
        ).decode((String, String).self) {
            admins.append(row)
        }
        for (region, admin) in admins {
            let settings = try await self.organizationSettings(admin: admin, region: region, logger: logger)
            if settings.autoEnableOrganizationMembers != .none {
                try await self.enrollOrganizationMember(admin: admin, region: region, account: account, settings: settings, logger: logger)
            }
        }
    }
}
