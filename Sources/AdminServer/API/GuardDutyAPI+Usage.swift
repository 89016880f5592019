import Foundation
import GuardDutyModel
import Hummingbird

/// GetUsageStatistics over what agents report in their heartbeats: records (or bytes) analysed per account and
/// data source over the last 30 days. GuardDuty answers in USD; Guardpost has no prices, so `unit` is `RECORDS`
/// (the default) or `BYTES`.
public struct UsageAPI: Sendable {
    let store: any AgentChannelStore

    public init(store: any AgentChannelStore) {
        self.store = store
    }

    struct Request: Decodable {
        var usageStatisticsType: String?
        var usageCriteria: Criteria?
        var unit: String?
        var maxResults: Int?
        var nextToken: String?

        struct Criteria: Decodable {
            var accountIds: [String]?
            var dataSources: [String]?
            var resources: [String]?
            var features: [String]?
        }
    }

    struct Total: Encodable, Equatable { var amount: String; var unit: String }
    struct Row: Encodable { var accountId: String?; var dataSource: String?; var feature: String?; var total: Total }
    struct TopAccounts: Encodable { var feature: String; var accounts: [Row] }
    /// `UsageStatistics`: only the member of the asked type is present.
    struct Statistics: Encodable {
        var sumByAccount: [Row]?
        var sumByDataSource: [Row]?
        var sumByFeature: [Row]?
        var topAccountsByFeature: [TopAccounts]?
    }
    struct Answer: Encodable { var usageStatistics: Statistics }

    /// The feature each data source's usage counts toward.
    static func feature(_ dataSource: String) -> String {
        dataSource == "S3_LOGS" ? "S3_DATA_EVENTS" : dataSource
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/usage/statistics") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(Request.self, from: context)
            let unit = (body.unit ?? "RECORDS").uppercased()
            guard unit == "RECORDS" || unit == "BYTES" else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because unit '\(unit.prefix(20))' is not available: Guardpost counts what agents analysed, in RECORDS or BYTES, and has no prices."
                )
            }
            let maxResults = body.maxResults ?? 50
            guard (1...50).contains(maxResults) else {
                throw GuardDutyError.badRequest("The request is rejected because maxResults \(maxResults) is out of range: it must be from 1 to 50.")
            }
            guard let type = body.usageStatisticsType else {
                throw GuardDutyError.badRequest("The request is rejected because usageStatisticsType is missing.")
            }
            guard body.usageCriteria != nil else {
                throw GuardDutyError.badRequest("The request is rejected because usageCriteria is missing.")
            }
            let criteria = body.usageCriteria!
            if criteria.resources != nil || type == "SUM_BY_RESOURCE" || type == "TOP_RESOURCES" {
                throw GuardDutyError.badRequest(
                    "The request is rejected because Guardpost counts usage per account and data source, not per resource: use SUM_BY_ACCOUNT, SUM_BY_DATA_SOURCE, SUM_BY_FEATURES or TOP_ACCOUNTS_BY_FEATURE."
                )
            }
            var rows = try await self.store.usage(caller: caller, detectorId: try GuardDutyAPI.detectorId(context))
            if let accounts = criteria.accountIds { rows = rows.filter { accounts.contains($0.accountId) } }
            if let sources = criteria.dataSources { rows = rows.filter { sources.contains($0.dataSource) } }
            if let features = criteria.features { rows = rows.filter { features.contains(Self.feature($0.dataSource)) } }
            func total(_ rows: [UsageRow]) -> Total {
                Total(amount: String(rows.reduce(0) { $0.addingClamped(unit == "BYTES" ? $1.bytes : $1.records) }), unit: unit)
            }
            func grouped(_ key: (UsageRow) -> String) -> [(String, Total)] {
                Dictionary(grouping: rows, by: key).map { ($0.key, total($0.value)) }
                    .sorted { (Int($0.1.amount) ?? 0, $1.0) > (Int($1.1.amount) ?? 0, $0.0) }
            }
            var statistics = Statistics()
            switch type {
            case "SUM_BY_ACCOUNT":
                statistics.sumByAccount = grouped(\.accountId).prefix(maxResults).map { Row(accountId: $0.0, total: $0.1) }
            case "SUM_BY_DATA_SOURCE":
                statistics.sumByDataSource = grouped(\.dataSource).prefix(maxResults).map { Row(dataSource: $0.0, total: $0.1) }
            case "SUM_BY_FEATURES":
                statistics.sumByFeature = grouped { Self.feature($0.dataSource) }.prefix(maxResults).map { Row(feature: $0.0, total: $0.1) }
            case "TOP_ACCOUNTS_BY_FEATURE":
                let features = Set(rows.map { Self.feature($0.dataSource) }).sorted()
                statistics.topAccountsByFeature = features.map { feature in
                    let accounts = Dictionary(grouping: rows.filter { Self.feature($0.dataSource) == feature }, by: \.accountId)
                        .map { ($0.key, total($0.value)) }.sorted { (Int($0.1.amount) ?? 0, $1.0) > (Int($1.1.amount) ?? 0, $0.0) }
                    return TopAccounts(feature: feature, accounts: accounts.prefix(maxResults).map { Row(accountId: $0.0, total: $0.1) })
                }
            default:
                throw GuardDutyError.badRequest("The request is rejected because usageStatisticsType '\(type.prefix(40))' is not a GuardDuty usage statistics type.")
            }
            return try APIBody.json(Answer(usageStatistics: statistics))
        }
    }
}

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
