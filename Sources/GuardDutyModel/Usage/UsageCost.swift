import Foundation

/// What the analysed volume would have cost on GuardDuty: per account and calendar month, each meter's quantity
/// (records → events, bytes → GB) goes through its tiers, as GuardDuty bills; a meter shared by several data sources
/// (VPC flow logs and DNS logs) splits its cost between them in proportion to their quantities.
public enum UsageCost {
    /// One account's usage of one data source over the rows given: its volume (saturating sums) and its cost in USD.
    public struct Priced: Sendable, Equatable {
        public var accountId: String
        public var dataSource: String
        public var records: Int
        public var bytes: Int
        public var usd: Decimal
    }

    /// Each account and data source of `rows`, with its volume and cost under `table`, ordered by account and source.
    public static func priced(_ rows: [UsageRow], table: PriceTable) -> [Priced] {
        var result: [String: Priced] = [:]
        let byAccountMonth = Dictionary(grouping: rows) { "\($0.accountId)|\($0.day.prefix(7))" }
        for (_, monthRows) in byAccountMonth {
            // This account's month, per data source: volume, then its share of each meter's tiered cost.
            var month: [String: Priced] = [:]
            for row in monthRows {
                var entry = month[row.dataSource] ?? Priced(accountId: row.accountId, dataSource: row.dataSource, records: 0, bytes: 0, usd: 0)
                entry.records = entry.records.addingClamped(row.records)
                entry.bytes = entry.bytes.addingClamped(row.bytes)
                month[row.dataSource] = entry
            }
            for meter in table.meters {
                let quantities = meter.dataSources.compactMap { source in month[source].map { (source, Self.quantity($0, meter)) } }
                let total = quantities.reduce(Decimal(0)) { $0 + $1.1 }
                guard total > 0 else { continue }
                let cost = Self.tiered(total, meter.tiers)
                for (source, quantity) in quantities {
                    month[source]?.usd = quantity == total ? cost : cost * quantity / total
                }
            }
            for (source, entry) in month {
                let key = "\(entry.accountId)|\(source)"
                guard var sum = result[key] else {
                    result[key] = entry
                    continue
                }
                sum.records = sum.records.addingClamped(entry.records)
                sum.bytes = sum.bytes.addingClamped(entry.bytes)
                sum.usd += entry.usd
                result[key] = sum
            }
        }
        return result.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The meter's quantity of `entry`: its records or bytes in priced units (million events, GB).
    static func quantity(_ entry: Priced, _ meter: PriceTable.Meter) -> Decimal {
        Decimal(meter.measure == "bytes" ? entry.bytes : entry.records) / meter.perUnit
    }

    /// The cost of `quantity` units through `tiers`: each tier's price applies to the units between the previous
    /// tier's bound and its own.
    public static func tiered(_ quantity: Decimal, _ tiers: [PriceTable.Tier]) -> Decimal {
        var (cost, remaining, reached) = (Decimal(0), quantity, Decimal(0))
        for tier in tiers where remaining > 0 {
            let band = tier.upTo.map { min(remaining, $0 - reached) } ?? remaining
            cost += band * tier.price
            remaining -= band
            reached = tier.upTo ?? reached
        }
        return cost
    }

    /// An amount as GuardDuty writes one: a plain decimal string, rounded to 10 decimal places, without trailing zeros.
    public static func format(_ amount: Decimal) -> String {
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 10, .plain)
        if rounded.isZero { return "0" }
        return rounded.description
    }
}
