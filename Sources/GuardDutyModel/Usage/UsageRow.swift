/// What the agents of one account analysed from one data source on one day.
public struct UsageRow: Sendable, Equatable {
    public var accountId: String
    public var dataSource: String
    public var day: String
    public var records: Int
    public var bytes: Int

    public init(accountId: String, dataSource: String, day: String, records: Int, bytes: Int) {
        self.accountId = accountId
        self.dataSource = dataSource
        self.day = day
        self.records = records
        self.bytes = bytes
    }
}
