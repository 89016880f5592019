/// GetUsageStatistics' output: `usageStatistics` with only the member of the asked type present.
public struct UsageStatisticsResponse: Encodable, Sendable, Equatable {
    public var usageStatistics: Statistics

    /// An amount and its unit: `USD` (a decimal string), or Guardpost's `RECORDS` or `BYTES` (a whole number).
    public struct Total: Encodable, Sendable, Equatable {
        public var amount: String
        public var unit: String
    }

    /// One row of a sum: the account, data source or feature it is for, and the total.
    public struct Row: Encodable, Sendable, Equatable {
        public var accountId: String?
        public var dataSource: String?
        public var feature: String?
        public var total: Total
    }

    /// One feature's accounts, largest first.
    public struct TopAccounts: Encodable, Sendable, Equatable {
        public var feature: String
        public var accounts: [Row]
    }

    /// `UsageStatistics`.
    public struct Statistics: Encodable, Sendable, Equatable {
        public var sumByAccount: [Row]?
        public var sumByDataSource: [Row]?
        public var sumByFeature: [Row]?
        public var topAccountsByFeature: [TopAccounts]?
    }
}
