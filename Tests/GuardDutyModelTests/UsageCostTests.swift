import Foundation
import Testing

@testable import GuardDutyModel

/// GuardDuty's price table and what usage costs under it: tiers per account and calendar month, the flow/DNS meter
/// shared between two data sources, amounts written as GuardDuty writes them, and GetUsageStatistics in USD.
@Suite struct UsageCostTests {
    static let gigabyte = 1 << 30

    static func row(_ source: String, account: String = "111111111111", day: String = "2026-11-02", records: Int = 0, gigabytes: Int = 0)
        -> UsageRow
    {
        UsageRow(accountId: account, dataSource: source, day: day, records: records, bytes: gigabytes * Self.gigabyte)
    }

    static func cost(_ rows: [UsageRow], table: PriceTable = .bundled) -> [String: String] {
        Dictionary(uniqueKeysWithValues: UsageCost.priced(rows, table: table).map { ("\($0.accountId) \($0.dataSource)", UsageCost.format($0.usd)) })
    }

    @Test(
        arguments: [
            // VPC flow logs: $1.00 the first 500 GB, $0.50 the next 2,000, $0.25 the next 7,500, $0.15 above 10,000.
            ("FLOW_LOGS", 0, 0, "0"), ("FLOW_LOGS", 0, 1, "1"), ("FLOW_LOGS", 0, 500, "500"), ("FLOW_LOGS", 0, 600, "550"),
            ("FLOW_LOGS", 0, 2_500, "1500"), ("FLOW_LOGS", 0, 10_000, "3375"), ("FLOW_LOGS", 0, 12_000, "3675"),
            // DNS logs go through the same tiers.
            ("DNS_LOGS", 0, 600, "550"),
            // CloudTrail management events: $4.00 per million, whatever the volume.
            ("CLOUD_TRAIL", 2_500_000, 0, "10"), ("CLOUD_TRAIL", 1, 0, "0.000004"), ("CLOUD_TRAIL", 3_000_000_000, 0, "12000"),
            // S3 data events: $0.80 per million the first 500 million, $0.40 the next 4,500 million, $0.20 above.
            ("S3_LOGS", 600_000_000, 0, "440"), ("S3_LOGS", 6_000_000_000, 0, "2400"),
        ] as [(String, Int, Int, String)])
    func aMonthsVolumeGoesThroughItsMetersTiers(source: String, records: Int, gigabytes: Int, expected: String) {
        let rows = [Self.row(source, records: records, gigabytes: gigabytes)]
        #expect(Self.cost(rows)["111111111111 \(source)"] == expected)
    }

    @Test func tiersCountEachAccountAndCalendarMonthOnItsOwn() {
        let rows = [
            // Two accounts of 400 GB each stay in the first tier.
            Self.row("FLOW_LOGS", account: "111111111111", gigabytes: 400), Self.row("FLOW_LOGS", account: "222222222222", gigabytes: 400),
            // 800 GB split over two months stays in the first tier; 800 GB in one month (two days) does not.
            Self.row("FLOW_LOGS", account: "333333333333", day: "2026-10-31", gigabytes: 400),
            Self.row("FLOW_LOGS", account: "333333333333", day: "2026-11-01", gigabytes: 400),
            Self.row("FLOW_LOGS", account: "444444444444", day: "2026-11-01", gigabytes: 400),
            Self.row("FLOW_LOGS", account: "444444444444", day: "2026-11-20", gigabytes: 400),
        ]
        let costs = Self.cost(rows)
        #expect(costs["111111111111 FLOW_LOGS"] == "400")
        #expect(costs["222222222222 FLOW_LOGS"] == "400")
        #expect(costs["333333333333 FLOW_LOGS"] == "800")
        #expect(costs["444444444444 FLOW_LOGS"] == "650")
    }

    @Test func flowAndDNSLogsShareOneMeterAndSplitItsCostByVolume() throws {
        let rows = [Self.row("FLOW_LOGS", gigabytes: 400), Self.row("DNS_LOGS", gigabytes: 200), Self.row("CLOUD_TRAIL", records: 1_000_000)]
        let costs = Self.cost(rows)
        // 600 GB together: 500 × $1 + 100 × $0.50 = $550, two thirds to flow logs, one third to DNS logs.
        #expect(costs["111111111111 FLOW_LOGS"] == "366.6666666667")
        #expect(costs["111111111111 DNS_LOGS"] == "183.3333333333")
        let byAccount = try UsageStatistics.answer(
            UsageStatisticsRequest(usageStatisticsType: "SUM_BY_ACCOUNT", usageCriteria: .init()), rows: rows)
        #expect(byAccount.usageStatistics.sumByAccount?.map(\.total) == [UsageStatisticsResponse.Total(amount: "554", unit: "USD")])
        // Criteria narrow what is shown, not the tiers: flow logs alone still pay their share of the 600 GB.
        let flowOnly = try UsageStatistics.answer(
            UsageStatisticsRequest(usageStatisticsType: "SUM_BY_DATA_SOURCE", usageCriteria: .init(dataSources: ["FLOW_LOGS"]), unit: "usd"),
            rows: rows)
        #expect(flowOnly.usageStatistics.sumByDataSource?.map(\.total.amount) == ["366.6666666667"])
    }

    @Test func usageAnswersInUSDByDefaultLargestCostFirst() throws {
        let rows = [
            Self.row("CLOUD_TRAIL", account: "111111111111", records: 9_000_000), Self.row("FLOW_LOGS", account: "222222222222", gigabytes: 40),
            Self.row("S3_LOGS", account: "222222222222", records: 1_000_000),
        ]
        func answer(_ type: String) throws -> UsageStatisticsResponse.Statistics {
            try UsageStatistics.answer(UsageStatisticsRequest(usageStatisticsType: type, usageCriteria: .init()), rows: rows).usageStatistics
        }
        let accounts = try #require(try answer("SUM_BY_ACCOUNT").sumByAccount)
        #expect(accounts.map(\.accountId) == ["222222222222", "111111111111"])
        #expect(accounts.map(\.total.amount) == ["40.8", "36"])
        #expect(accounts.allSatisfy { $0.total.unit == "USD" })
        let features = try #require(try answer("SUM_BY_FEATURES").sumByFeature)
        #expect(features.map(\.feature) == ["FLOW_LOGS", "CLOUD_TRAIL", "S3_DATA_EVENTS"])
        #expect(features.map(\.total.amount) == ["40", "36", "0.8"])
        let top = try #require(try answer("TOP_ACCOUNTS_BY_FEATURE").topAccountsByFeature)
        #expect(top.first { $0.feature == "CLOUD_TRAIL" }?.accounts.map(\.total.amount) == ["36"])
    }

    @Test func anOperatorsTableReplacesTheBundledPrices() throws {
        let flat = try PriceTable.parse(
            Data(
                (#"{"effectiveDate":"2027-01-01","region":"eu-west-1","currency":"USD","source":"operator","meters":[{"name":"network","#
                    + #""dataSources":["FLOW_LOGS"],"measure":"bytes","perUnit":1000000000,"unit":"GB","tiers":[{"price":"2"}]}]}"#).utf8))
        let rows = [Self.row("FLOW_LOGS", gigabytes: 1), Self.row("CLOUD_TRAIL", records: 1_000_000)]
        let costs = Self.cost(rows, table: flat)
        #expect(costs["111111111111 FLOW_LOGS"] == "2.147483648")
        #expect(costs["111111111111 CLOUD_TRAIL"] == "0")
        #expect(flat.effectiveDate == "2027-01-01")
    }

    @Test(arguments: [
        (Decimal(0), "0"), (Decimal(4), "4"), (Decimal(string: "0.5")!, "0.5"), (Decimal(1) / Decimal(3), "0.3333333333"),
        (Decimal(string: "0.00000000004")!, "0"), (Decimal(string: "0.00000000005")!, "0.0000000001"), (Decimal(string: "1234567.25")!, "1234567.25"),
    ])
    func amountsArePlainDecimalStrings(amount: Decimal, expected: String) {
        #expect(UsageCost.format(amount) == expected)
    }

    @Test func theBundledTableIsTheShippedFileAndDated() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("pricing/guardduty-prices.json"), encoding: .utf8)
        #expect(file == PriceTable.bundledJSON, "run scripts/embed-prices.sh")
        let table = PriceTable.bundled
        #expect(table.effectiveDate == "2026-10-07")
        #expect(table.region == "us-east-1")
        #expect(table.meter(for: "DNS_LOGS") == table.meter(for: "FLOW_LOGS"))
        #expect(table.meter(for: "S3_LOGS")?.tiers.map(\.price) == [Decimal(string: "0.80")!, Decimal(string: "0.40")!, Decimal(string: "0.20")!])
    }
}
