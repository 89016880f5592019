import Foundation
import GuardDutyModel
import Testing

/// A price table the operator gives (`serve --price-table`) is checked before use: each mistake is refused with a
/// message that names it, never a crash.
@Suite struct PriceTableTests {
    static let meter =
        #"{"name":"m","dataSources":["FLOW_LOGS"],"measure":"bytes","perUnit":1073741824,"unit":"GB","#
        + #""tiers":[{"upTo":"500","price":"1.00"},{"price":"0.5"}]}"#

    static func table(date: String = "2026-10-07", currency: String = "USD", meters: String = Self.meter) -> String {
        #"{"effectiveDate":"\#(date)","region":"us-east-1","currency":"\#(currency)","#
            + #""source":"https://aws.amazon.com/guardduty/pricing/","meters":[\#(meters)]}"#
    }

    @Test func aWellFormedTableParses() throws {
        let table = try PriceTable.parse(Data(Self.table().utf8))
        #expect(table.meters.first?.tiers.map(\.upTo) == [Decimal(500), nil])
        #expect(UsageCost.tiered(600, table.meters[0].tiers) == 550)
    }

    @Test(arguments: [
        ("{", "not JSON"),
        (#"{"region":"us-east-1"}"#, "effectiveDate is missing"),
        (Self.table(date: "2026-13-40"), "effectiveDate '2026-13-40' is not a date"),
        (Self.table(currency: "EUR"), "currency is 'EUR'"),
        (#"{"effectiveDate":"2026-10-07","region":"r","currency":"USD","source":"s","meters":[]}"#, "meters is empty"),
        (Self.table(meters: Self.meter.replacingOccurrences(of: #""1.00""#, with: "1.00")), "of the wrong type"),
        (Self.table(meters: Self.meter.replacingOccurrences(of: #""1.00""#, with: #""-1""#)), "price '-1' is not a non-negative decimal"),
        (Self.table(meters: Self.meter.replacingOccurrences(of: #""1.00""#, with: #""1e3""#)), "price '1e3' is not a non-negative decimal"),
        (Self.table(meters: Self.meter.replacingOccurrences(of: #",{"price":"0.5"}"#, with: "")), "the last tier must have no upTo"),
        (
            Self.table(meters: Self.meter.replacingOccurrences(of: #"{"price":"0.5"}"#, with: #"{"upTo":"400","price":"0.5"},{"price":"0.1"}"#)),
            "upTo '400' is not a number above the previous tier's 500"
        ),
        (Self.table(meters: Self.meter.replacingOccurrences(of: "FLOW_LOGS", with: "EKS_AUDIT_LOGS")), "data source 'EKS_AUDIT_LOGS' is not"),
        (Self.table(meters: Self.meter + "," + Self.meter), "data source FLOW_LOGS is priced twice"),
        (Self.table(meters: Self.meter.replacingOccurrences(of: #""bytes""#, with: #""hours""#)), "measure 'hours' is not records or bytes"),
        (Self.table(meters: Self.meter.replacingOccurrences(of: "1073741824", with: "0")), "perUnit must be above 0"),
    ])
    func aMalformedTableIsRefusedSayingWhy(json: String, wording: String) {
        do {
            _ = try PriceTable.parse(Data(json.utf8))
            Issue.record("accepted a table that should be refused (\(wording))")
        } catch let error as PriceTable.Invalid {
            #expect(error.description.contains(wording), "\(error.description)")
        } catch {
            Issue.record("refused with \(error), not PriceTable.Invalid")
        }
    }
}
