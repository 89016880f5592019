/// The organisation path: only the management account designates the delegated administrator, one account for
/// every region, never a member of another administrator; only the delegated administrator configures auto-enable,
/// and UpdateOrganizationConfiguration's legacy and current spellings must agree.
public enum OrganizationRules {
    public static let notManagement = GuardDutyError.badRequest(
        "The request is rejected because the current account is not the organization's management account; only it can manage the delegated "
            + "administrator."
    )
    public static let notDelegatedAdmin = GuardDutyError.badRequest(
        "The request is rejected because the current account is not the organization's delegated administrator in this region."
    )

    public static func requireManagement(_ isOrganizationManagement: Bool) throws {
        guard isOrganizationManagement else { throw Self.notManagement }
    }

    public static func requireDelegatedAdmin(current: String?, accountId: String) throws {
        guard current == accountId else { throw Self.notDelegatedAdmin }
    }

    /// EnableOrganizationAdminAccount: the same account in every region (`designated`: region → admin), and not a
    /// member of an administrator in the caller's region.
    public static func enableAdmin(
        _ adminAccountId: String, designated: [(region: String, admin: String)], administratorOfAdmin: String?, region: String
    ) throws {
        if let other = designated.first(where: { $0.admin != adminAccountId }) {
            throw GuardDutyError.badRequest(
                "The request is rejected because account \(other.admin) is the organization's delegated administrator in \(other.region); "
                    + "an organization has one delegated administrator, the same account in every region."
            )
        }
        if let administratorOfAdmin {
            throw GuardDutyError.badRequest(
                "The request is rejected because account \(adminAccountId) is a member of administrator account \(administratorOfAdmin) in "
                    + "\(region); "
                    + "a member cannot be the delegated administrator."
            )
        }
    }

    public static func disableAdmin(_ adminAccountId: String, current: String?, region: String) throws {
        guard current == adminAccountId else {
            throw GuardDutyError.badRequest(
                "The request is rejected because account \(adminAccountId) is not the organization's delegated administrator in \(region)."
            )
        }
    }

    /// The auto-enable the request asks for (from `autoEnableOrganizationMembers`, or the legacy `autoEnable`
    /// flag: true is NEW), after checking the two agree, the features are each named once and none this server does
    /// not analyse is auto-enabled.
    public static func requestedAutoEnable(_ request: UpdateOrganizationConfigurationRequest) throws -> AutoEnable {
        let requested: AutoEnable
        switch (request.autoEnableOrganizationMembers, request.autoEnable) {
        case (nil, nil):
            throw GuardDutyError.badRequest(
                "The request is rejected because one of autoEnableOrganizationMembers (NEW, ALL, NONE) or autoEnable is required."
            )
        case (let members?, nil): requested = members
        case (nil, let flag?): requested = flag ? .new : AutoEnable.none
        case (let members?, let flag?):
            guard (members != .none) == flag else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because autoEnable \(flag) contradicts autoEnableOrganizationMembers \(members.rawValue); "
                        + "give only autoEnableOrganizationMembers."
                )
            }
            requested = members
        }
        try FeatureRules.validate(names: (request.features ?? []).map(\.name))
        try FeatureSupport.requireProvided(organization: request)
        return requested
    }

    /// The stored settings with the request applied: the auto-enable, the legacy data sources and each feature's
    /// (and additional configuration's) auto-enable.
    public static func apply(
        _ request: UpdateOrganizationConfigurationRequest, autoEnable: AutoEnable, to current: OrganizationSettings
    ) -> OrganizationSettings {
        var settings = current
        settings.autoEnableOrganizationMembers = autoEnable
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
        return settings
    }

    /// DescribeOrganizationConfiguration's `memberAccountLimitReached`.
    public static func memberAccountLimitReached(memberCount: Int) -> Bool {
        memberCount >= Validate.maxOrganizationMembers
    }
}
