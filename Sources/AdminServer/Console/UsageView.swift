import Foundation
import GuardDutyModel

/// The usage page: what each account's agents analysed per data source in the last 30 days, and what that volume
/// would have cost on GuardDuty under the price table (dated, with its region and source).
struct UsageView {
    /// One account and data source, summed over its days: volume, volume in the meter's unit, and cost.
    struct Row {
        let accountId: String
        let dataSource: String
        let records: Int
        let bytes: Int
        let days: Int
        let quantity: String
        let cost: String
    }

    /// One account's cost over every data source.
    struct Account {
        let accountId: String
        let cost: String
    }

    let rows: [Row]
    var accounts: [Account] = []
    var total = "0"
    var priceDate = ""
    var priceRegion = ""
    var priceSource = ""
}

extension UsageView {
    init(usage: [UsageRow], prices: PriceTable) {
        let days = Dictionary(grouping: usage) { "\($0.accountId)|\($0.dataSource)" }.mapValues { Set($0.map(\.day)).count }
        let priced = UsageCost.priced(usage, table: prices)
        self.rows = priced.map { entry in
            let meter = prices.meter(for: entry.dataSource)
            let quantity = meter.map { meter in
                let amount = Decimal(meter.measure == "bytes" ? entry.bytes : entry.records) / meter.perUnit
                return "\(UsageCost.format(amount)) \(meter.unit)"
            }
            return Row(
                accountId: entry.accountId, dataSource: entry.dataSource, records: entry.records, bytes: entry.bytes,
                days: days["\(entry.accountId)|\(entry.dataSource)"] ?? 0, quantity: quantity ?? "not priced", cost: UsageCost.format(entry.usd)
            )
        }
        self.accounts = Dictionary(grouping: priced, by: \.accountId).sorted { $0.key < $1.key }.map { account, entries in
            Account(accountId: account, cost: UsageCost.format(entries.reduce(Decimal(0)) { $0 + $1.usd }))
        }
        self.total = UsageCost.format(priced.reduce(Decimal(0)) { $0 + $1.usd })
        self.priceDate = prices.effectiveDate
        self.priceRegion = prices.region
        self.priceSource = prices.source
    }
}
