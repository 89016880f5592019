/// `GetOrganizationStatisticsResponse`: the organisation's account and feature counts as of `updatedAt`.
public struct GetOrganizationStatisticsResponse: Codable, Sendable, Equatable {
    public var organizationDetails: OrganizationDetails

    /// `OrganizationDetails`.
    public struct OrganizationDetails: Codable, Sendable, Equatable {
        /// Seconds since 1970 (botocore's `timestamp`).
        public var updatedAt: Double
        public var organizationStatistics: OrganizationStatistics
    }

    public init(updatedAt: Double, statistics: OrganizationStatistics) {
        self.organizationDetails = OrganizationDetails(updatedAt: updatedAt, organizationStatistics: statistics)
    }
}

/// `OrganizationStatistics` (what each count means here: `OrganizationStatisticsRules`).
public struct OrganizationStatistics: Codable, Sendable, Equatable {
    public var totalAccountsCount: Int
    public var memberAccountsCount: Int
    public var activeAccountsCount: Int
    public var enabledAccountsCount: Int
    public var countByFeature: [FeatureCount]

    /// `OrganizationFeatureStatistics`.
    public struct FeatureCount: Codable, Sendable, Equatable {
        public var name: String
        public var enabledAccountsCount: Int
        public var additionalConfiguration: [AdditionalCount]?
    }

    /// `OrganizationFeatureStatisticsAdditionalConfiguration`.
    public struct AdditionalCount: Codable, Sendable, Equatable {
        public var name: String
        public var enabledAccountsCount: Int
    }

    public init(
        totalAccountsCount: Int, memberAccountsCount: Int, activeAccountsCount: Int, enabledAccountsCount: Int, countByFeature: [FeatureCount]
    ) {
        self.totalAccountsCount = totalAccountsCount
        self.memberAccountsCount = memberAccountsCount
        self.activeAccountsCount = activeAccountsCount
        self.enabledAccountsCount = enabledAccountsCount
        self.countByFeature = countByFeature
    }
}
