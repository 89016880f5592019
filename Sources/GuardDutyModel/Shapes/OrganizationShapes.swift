public struct AdminAccountRequest: Codable, Sendable {
    public var adminAccountId: String
}

public struct AdminAccount: Codable, Sendable, Equatable {
    public var adminAccountId: String
    public var adminStatus: AdminStatus
    public init(adminAccountId: String, adminStatus: AdminStatus) {
        self.adminAccountId = adminAccountId
        self.adminStatus = adminStatus
    }
}

public struct ListOrganizationAdminAccountsResponse: Codable, Sendable {
    public var adminAccounts: [AdminAccount]
    public var nextToken: String?
    public init(adminAccounts: [AdminAccount], nextToken: String?) {
        self.adminAccounts = adminAccounts
        self.nextToken = nextToken
    }
}

/// `OrganizationFeatureConfiguration`.
public struct OrganizationFeatureConfiguration: Codable, Sendable {
    public var name: DetectorFeature?
    public var autoEnable: AutoEnable?
    public var additionalConfiguration: [Additional]?
    public struct Additional: Codable, Sendable {
        public var name: FeatureAdditionalConfiguration?
        public var autoEnable: AutoEnable?
    }
}

/// `OrganizationDataSourceConfigurations` (deprecated).
public struct OrganizationDataSourceConfigurations: Codable, Sendable {
    public var s3Logs: AutoEnableFlag?
    public var kubernetes: Kubernetes?
    public var malwareProtection: Malware?
    public struct AutoEnableFlag: Codable, Sendable { public var autoEnable: Bool }
    public struct Kubernetes: Codable, Sendable { public var auditLogs: AutoEnableFlag }
    public struct Malware: Codable, Sendable {
        public var scanEc2InstanceWithFindings: Scan?
        public struct Scan: Codable, Sendable { public var ebsVolumes: AutoEnableFlag? }
    }
}

public struct UpdateOrganizationConfigurationRequest: Codable, Sendable {
    public var autoEnable: Bool?
    public var dataSources: OrganizationDataSourceConfigurations?
    public var features: [OrganizationFeatureConfiguration]?
    public var autoEnableOrganizationMembers: AutoEnable?
}

/// The organisation settings an administrator keeps per region: stored as JSON, rendered by DescribeOrganizationConfiguration.
public struct OrganizationSettings: Codable, Sendable, Equatable {
    public var autoEnableOrganizationMembers: AutoEnable
    /// Feature name → auto-enable, and "FEATURE/ADDITIONAL" → auto-enable for additional configurations.
    public var features: [String: AutoEnable]

    public init(autoEnableOrganizationMembers: AutoEnable = .none, features: [String: AutoEnable] = [:]) {
        self.autoEnableOrganizationMembers = autoEnableOrganizationMembers
        self.features = features
    }

    /// A feature's auto-enable: NONE for what this server does not analyse (`FeatureSupport`), whatever an older row says.
    public func autoEnable(_ feature: DetectorFeature) -> AutoEnable {
        FeatureSupport.isProvided(feature) ? self.features[feature.rawValue] ?? .none : .none
    }

    /// An additional configuration's auto-enable, NONE unless it and its feature are provided.
    public func autoEnable(_ additional: FeatureAdditionalConfiguration, in feature: DetectorFeature) -> AutoEnable {
        guard FeatureSupport.isProvided(feature), FeatureSupport.isProvided(additional) else { return .none }
        return self.features["\(feature.rawValue)/\(additional.rawValue)"] ?? .none
    }
}

public struct OrganizationFeatureConfigurationResult: Codable, Sendable, Equatable {
    public var name: String
    public var autoEnable: AutoEnable
    public var additionalConfiguration: [Additional]?
    public struct Additional: Codable, Sendable, Equatable {
        public var name: String
        public var autoEnable: AutoEnable
    }
}

public struct DescribeOrganizationConfigurationResponse: Codable, Sendable {
    public var autoEnable: Bool
    public var memberAccountLimitReached: Bool
    public var dataSources: DataSources
    public var features: [OrganizationFeatureConfigurationResult]
    public var nextToken: String?
    public var autoEnableOrganizationMembers: AutoEnable

    public struct DataSources: Codable, Sendable {
        public var s3Logs: Flag
        public var kubernetes: Kubernetes
        public var malwareProtection: Malware
        public struct Flag: Codable, Sendable { public var autoEnable: Bool }
        public struct Kubernetes: Codable, Sendable { public var auditLogs: Flag }
        public struct Malware: Codable, Sendable {
            public var scanEc2InstanceWithFindings: Scan
            public struct Scan: Codable, Sendable { public var ebsVolumes: Flag }
        }
    }

    public init(settings: OrganizationSettings, memberAccountLimitReached: Bool) {
        self.autoEnableOrganizationMembers = settings.autoEnableOrganizationMembers
        self.autoEnable = settings.autoEnableOrganizationMembers != .none
        self.memberAccountLimitReached = memberAccountLimitReached
        func flag(_ feature: DetectorFeature) -> DataSources.Flag { .init(autoEnable: settings.autoEnable(feature) != .none) }
        self.dataSources = DataSources(
            s3Logs: flag(.s3DataEvents),
            kubernetes: .init(auditLogs: flag(.eksAuditLogs)),
            malwareProtection: .init(scanEc2InstanceWithFindings: .init(ebsVolumes: flag(.ebsMalwareProtection)))
        )
        self.features = DetectorFeature.allCases.map { feature in
            let known = FeatureSupport.additionalConfigurations[feature] ?? []
            let additional = FeatureAdditionalConfiguration.allCases.compactMap { extra -> OrganizationFeatureConfigurationResult.Additional? in
                guard known.contains(extra) || settings.features["\(feature.rawValue)/\(extra.rawValue)"] != nil else { return nil }
                return .init(name: extra.rawValue, autoEnable: settings.autoEnable(extra, in: feature))
            }
            return OrganizationFeatureConfigurationResult(
                name: feature.rawValue,
                autoEnable: settings.autoEnable(feature),
                additionalConfiguration: additional.isEmpty ? nil : additional
            )
        }
        self.nextToken = nil
    }
}

public struct TagResourceRequest: Codable, Sendable {
    public var tags: [String: String]
}

public struct ListTagsForResourceResponse: Codable, Sendable {
    public var tags: [String: String]
    public init(tags: [String: String]) { self.tags = tags }
}
