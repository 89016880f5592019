import Foundation

/// GetUsageStatistics' semantics over what agents reported: the unit (USD by default, as GuardDuty answers: what the
/// volume would have cost on GuardDuty under the price table; RECORDS and BYTES are Guardpost's extensions), the
/// criteria, the four per-account/data-source/feature statistics types, largest first.
public enum UsageStatistics {
    /// The feature each data source's usage counts toward (GuardDuty's usage names: S3_LOGS, KUBERNETES_AUDIT_LOGS).
    public static func feature(_ dataSource: String) -> String {
        switch dataSource {
        case "S3_LOGS": return "S3_DATA_EVENTS"
        case "KUBERNETES_AUDIT_LOGS": return "EKS_AUDIT_LOGS"
        default: return dataSource
        }
    }

    /// A request that passed `validate`: the unit, page size, statistics type and criteria.
    public struct Query: Sendable {
        public var unit: String
        public var maxResults: Int
        public var type: String
        public var criteria: UsageStatisticsRequest.Criteria
    }

    /// The answer to `request` over `rows`, or the GuardDuty error that refuses the request.
    public static func answer(_ request: UsageStatisticsRequest, rows: [UsageRow], table: PriceTable = .bundled) throws -> UsageStatisticsResponse {
        Self.answer(try Self.validate(request), rows: rows, table: table)
    }

    /// The answer to a validated query over `rows`. Costs are priced over every row of an account (its tiers count
    /// all of its month's volume) before the criteria narrow what is shown.
    public static func answer(_ query: Query, rows: [UsageRow], table: PriceTable = .bundled) -> UsageStatisticsResponse {
        let (unit, maxResults, type, criteria) = (query.unit, query.maxResults, query.type, query.criteria)
        var rows = UsageCost.priced(rows, table: table)
        if let accounts = criteria.accountIds { rows = rows.filter { accounts.contains($0.accountId) } }
        if let sources = criteria.dataSources { rows = rows.filter { sources.contains($0.dataSource) } }
        if let features = criteria.features { rows = rows.filter { features.contains(Self.feature($0.dataSource)) } }
        typealias Row = UsageStatisticsResponse.Row
        var statistics = UsageStatisticsResponse.Statistics()
        switch type {
        case "SUM_BY_ACCOUNT":
            statistics.sumByAccount = Self.grouped(rows, unit, by: \.accountId).prefix(maxResults).map { Row(accountId: $0.0, total: $0.1) }
        case "SUM_BY_DATA_SOURCE":
            statistics.sumByDataSource = Self.grouped(rows, unit, by: \.dataSource).prefix(maxResults).map { Row(dataSource: $0.0, total: $0.1) }
        case "SUM_BY_FEATURES":
            statistics.sumByFeature = Self.grouped(rows, unit) { Self.feature($0.dataSource) }.prefix(maxResults)
                .map { Row(feature: $0.0, total: $0.1) }
        default:  // TOP_ACCOUNTS_BY_FEATURE: `validate` lets nothing else through.
            let features = Set(rows.map { Self.feature($0.dataSource) }).sorted()
            statistics.topAccountsByFeature = features.map { feature in
                let accounts = Self.grouped(rows.filter { Self.feature($0.dataSource) == feature }, unit, by: \.accountId)
                return UsageStatisticsResponse.TopAccounts(
                    feature: feature, accounts: accounts.prefix(maxResults).map { Row(accountId: $0.0, total: $0.1) }
                )
            }
        }
        return UsageStatisticsResponse(usageStatistics: statistics)
    }

    /// The unit, page size, type and criteria of a valid request; the error refusing it, input checks in GuardDuty's order.
    public static func validate(_ request: UsageStatisticsRequest) throws -> Query {
        let unit = (request.unit ?? "USD").uppercased()
        guard ["USD", "RECORDS", "BYTES"].contains(unit) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because unit '\(unit.prefix(20))' is not available: use USD (the default), or Guardpost's RECORDS or BYTES."
            )
        }
        let maxResults = try Validate.maxResults(request.maxResults)
        guard let type = request.usageStatisticsType else {
            throw GuardDutyError.badRequest("The request is rejected because usageStatisticsType is missing.")
        }
        guard let criteria = request.usageCriteria else {
            throw GuardDutyError.badRequest("The request is rejected because usageCriteria is missing.")
        }
        if criteria.resources != nil || type == "SUM_BY_RESOURCE" || type == "TOP_RESOURCES" {
            throw GuardDutyError.badRequest(
                "The request is rejected because Guardpost counts usage per account and data source, not per resource: use SUM_BY_ACCOUNT, SUM_BY_DATA_SOURCE, SUM_BY_FEATURES or TOP_ACCOUNTS_BY_FEATURE."
            )
        }
        guard ["SUM_BY_ACCOUNT", "SUM_BY_DATA_SOURCE", "SUM_BY_FEATURES", "TOP_ACCOUNTS_BY_FEATURE"].contains(type) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because usageStatisticsType '\(type.prefix(40))' is not a GuardDuty usage statistics type."
            )
        }
        return Query(unit: unit, maxResults: maxResults, type: type, criteria: criteria)
    }

    /// Rows summed per key (volumes saturating), largest total first, ties by key.
    static func grouped(_ rows: [UsageCost.Priced], _ unit: String, by key: (UsageCost.Priced) -> String) -> [(String, UsageStatisticsResponse.Total)]
    {
        Dictionary(grouping: rows, by: key).map { ($0.key, Self.total($0.value, unit)) }
            .sorted { ($0.1.value, $1.0) > ($1.1.value, $0.0) }
            .map { ($0.0, UsageStatisticsResponse.Total(amount: $0.1.amount, unit: unit)) }
    }

    /// The rows' total in `unit`, as a number to sort by and the amount GuardDuty writes.
    static func total(_ rows: [UsageCost.Priced], _ unit: String) -> (value: Decimal, amount: String) {
        guard unit == "USD" else {
            let sum = rows.reduce(0) { $0.addingClamped(unit == "BYTES" ? $1.bytes : $1.records) }
            return (Decimal(sum), String(sum))
        }
        let sum = rows.reduce(Decimal(0)) { $0 + $1.usd }
        return (sum, UsageCost.format(sum))
    }
}
