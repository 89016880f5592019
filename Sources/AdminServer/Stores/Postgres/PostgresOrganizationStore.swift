import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// The organisation path in PostgreSQL: the delegated administrator per region and its auto-enable settings.
public struct PostgresOrganizationStore: OrganizationStore {
    let context: PostgresStoreContext

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    var logger: Logger { self.context.logger }

    static let notManagement = GuardDutyError.badRequest(
        "The request is rejected because the current account is not the organization's management account; only it can manage the delegated administrator."
    )
    static let notDelegatedAdmin = GuardDutyError.badRequest(
        "The request is rejected because the current account is not the organization's delegated administrator in this region."
    )

    public func enableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws {
        guard caller.isOrganizationManagement else { throw Self.notManagement }
        try Validate.accountId(adminAccountId, field: "adminAccountId")
        try await self.context.transaction { connection in
            guard try await connection.accountExists(adminAccountId, logger: self.logger) else {
                throw GuardDutyError.badRequest(MembershipRules.Reason.unknownAccount(adminAccountId))
            }
            _ = try await connection.query("LOCK TABLE organization_admins IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
            for try await (region, admin) in try await connection.query(
                "SELECT region, admin_account_id FROM organization_admins", logger: self.logger
            ).decode((String, String).self) where admin != adminAccountId {
                throw GuardDutyError.badRequest(
                    "The request is rejected because account \(admin) is the organization's delegated administrator in \(region); an organization has one delegated administrator, the same account in every region."
                )
            }
            if let admin = try await connection.administratorOf(account: adminAccountId, region: caller.region, logger: self.logger) {
                throw GuardDutyError.badRequest(
                    "The request is rejected because account \(adminAccountId) is a member of administrator account \(admin) in \(caller.region); a member cannot be the delegated administrator."
                )
            }
            try await connection.query(
                "INSERT INTO organization_admins (region, admin_account_id) VALUES (\(caller.region), \(adminAccountId)) ON CONFLICT (region) DO NOTHING",
                logger: self.logger
            )
            // The delegated administrator gets GuardDuty enabled in the region.
            _ = try await connection.ensureDetector(account: adminAccountId, region: caller.region, logger: self.logger)
        }
    }

    public func disableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws {
        guard caller.isOrganizationManagement else { throw Self.notManagement }
        try Validate.accountId(adminAccountId, field: "adminAccountId")
        try await self.context.transaction { connection in
            guard try await connection.organizationAdmin(region: caller.region, logger: self.logger) == adminAccountId else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because account \(adminAccountId) is not the organization's delegated administrator in \(caller.region)."
                )
            }
            try await connection.query("DELETE FROM organization_admins WHERE region = \(caller.region)", logger: self.logger)
            try await connection.query(
                "DELETE FROM organization_configurations WHERE admin_account_id = \(adminAccountId) AND region = \(caller.region)",
                logger: self.logger
            )
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
        guard caller.isOrganizationManagement else { throw Self.notManagement }
        var admins: [AdminAccount] = []
        for try await (admin) in try await self.context.client.query(
            "SELECT admin_account_id FROM organization_admins WHERE region = \(caller.region)", logger: self.logger
        ).decode(String.self) {
            admins.append(AdminAccount(adminAccountId: admin, adminStatus: .enabled))
        }
        return admins
    }

    public func updateOrganizationConfiguration(caller: Caller, detectorId: String, request: UpdateOrganizationConfigurationRequest) async throws {
        var requested: AutoEnable?
        switch (request.autoEnableOrganizationMembers, request.autoEnable) {
        case (nil, nil):
            throw GuardDutyError.badRequest("The request is rejected because one of autoEnableOrganizationMembers (NEW, ALL, NONE) or autoEnable is required.")
        case (let members?, nil): requested = members
        case (nil, let flag?): requested = flag ? .new : AutoEnable.none
        case (let members?, let flag?):
            guard (members != .none) == flag else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because autoEnable \(flag) contradicts autoEnableOrganizationMembers \(members.rawValue); give only autoEnableOrganizationMembers."
                )
            }
            requested = members
        }
        var names = Set<DetectorFeature>()
        for feature in request.features ?? [] {
            guard let name = feature.name else { throw GuardDutyError.badRequest("The request is rejected because a feature configuration has no name.") }
            guard names.insert(name).inserted else {
                throw GuardDutyError.badRequest("The request is rejected because feature \(name.rawValue) is listed more than once.")
            }
        }
        if names.contains(.eksRuntimeMonitoring) && names.contains(.runtimeMonitoring) {
            throw GuardDutyError.badRequest(
                "The request is rejected because EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot be configured in the same request; use RUNTIME_MONITORING."
            )
        }
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            guard try await connection.organizationAdmin(region: caller.region, logger: self.logger) == caller.accountId else {
                throw Self.notDelegatedAdmin
            }
            var settings = try await connection.organizationSettings(admin: caller.accountId, region: caller.region, logger: self.logger)
            if let requested { settings.autoEnableOrganizationMembers = requested }
            if let dataSources = request.dataSources {
                if let s3 = dataSources.s3Logs { settings.features[DetectorFeature.s3DataEvents.rawValue] = s3.autoEnable ? .new : AutoEnable.none }
                if let k8s = dataSources.kubernetes {
                    settings.features[DetectorFeature.eksAuditLogs.rawValue] = k8s.auditLogs.autoEnable ? .new : AutoEnable.none
                }
                if let ebs = dataSources.malwareProtection?.scanEc2InstanceWithFindings?.ebsVolumes {
                    settings.features[DetectorFeature.ebsMalwareProtection.rawValue] = ebs.autoEnable ? .new : AutoEnable.none
                }
            }
            for feature in request.features ?? [] {
                guard let name = feature.name else { continue }
                if let value = feature.autoEnable { settings.features[name.rawValue] = value }
                for additional in feature.additionalConfiguration ?? [] {
                    if let extra = additional.name, let value = additional.autoEnable {
                        settings.features["\(name.rawValue)/\(extra.rawValue)"] = value
                    }
                }
            }
            try await connection.query(
                """
                INSERT INTO organization_configurations (admin_account_id, region, settings)
                VALUES (\(caller.accountId), \(caller.region), \(PostgresStoreContext.encodeJSON(settings))::jsonb)
                ON CONFLICT (admin_account_id, region) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()
                """,
                logger: self.logger
            )
            try await self.applyAll(connection, caller: caller, settings: settings)
        }
    }

    /// ALL applies to every account of the organisation now (GuardDuty takes up to 24 h; Guardpost does it in
    /// the same transaction); a feature set to ALL is switched on for every existing organisation member.
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
        let allFeatures = DetectorFeature.allCases.filter { settings.autoEnable($0) == .all }
        guard !allFeatures.isEmpty else { return }
        var members: [(String, String)] = []
        for try await row in try await connection.query(
            """
            SELECT account_id, features::text FROM members WHERE administrator_id = \(caller.accountId) AND region = \(caller.region)
              AND added_by_organization AND relationship_status IN ('Enabled', 'Disabled') FOR UPDATE
            """,
            logger: self.logger
        ).decode((String, String).self) {
            members.append(row)
        }
        let now = PostgresStoreContext.now
        for (account, text) in members {
            var features = try PostgresStoreContext.decodeJSON(FeatureSettings.self, text)
            for feature in allFeatures { features.set(feature, .enabled, now: now) }
            try await connection.query(
                """
                UPDATE members SET features = \(PostgresStoreContext.encodeJSON(features))::jsonb, updated_at = now()
                WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND account_id = \(account)
                """,
                logger: self.logger
            )
        }
        try await connection.bumpConfigVersion(accounts: members.map(\.0), region: caller.region, logger: self.logger)
    }

    public func describeOrganizationConfiguration(caller: Caller, detectorId: String) async throws -> DescribeOrganizationConfigurationResponse {
        try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            guard try await connection.organizationAdmin(region: caller.region, logger: self.logger) == caller.accountId else {
                throw Self.notDelegatedAdmin
            }
            let settings = try await connection.organizationSettings(admin: caller.accountId, region: caller.region, logger: self.logger)
            let count = try await connection.memberCount(admin: caller.accountId, region: caller.region, logger: self.logger)
            return DescribeOrganizationConfigurationResponse(settings: settings, memberAccountLimitReached: count >= Validate.maxOrganizationMembers)
        }
    }
}
