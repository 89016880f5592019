/// GetUsageStatistics' input: the statistics type, the criteria, the unit and the page size.
public struct UsageStatisticsRequest: Decodable, Sendable {
    public var usageStatisticsType: String?
    public var usageCriteria: Criteria?
    public var unit: String?
    public var maxResults: Int?
    public var nextToken: String?

    /// `usageCriteria`: which accounts, data sources and features count.
    public struct Criteria: Decodable, Sendable {
        public var accountIds: [String]?
        public var dataSources: [String]?
        public var resources: [String]?
        public var features: [String]?

        public init(accountIds: [String]? = nil, dataSources: [String]? = nil, resources: [String]? = nil, features: [String]? = nil) {
            self.accountIds = accountIds
            self.dataSources = dataSources
            self.resources = resources
            self.features = features
        }
    }

    public init(
        usageStatisticsType: String? = nil, usageCriteria: Criteria? = nil, unit: String? = nil, maxResults: Int? = nil, nextToken: String? = nil
    ) {
        self.usageStatisticsType = usageStatisticsType
        self.usageCriteria = usageCriteria
        self.unit = unit
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}
