import Foundation

/// GuardDuty's list prices for the data sources Guardpost analyses, as a dated table shipped as data
/// (pricing/guardduty-prices.json, embedded as `PriceTable.bundled`) or given by the operator (`serve --price-table`).
/// Each meter prices one or more data sources together (VPC flow logs and DNS logs share one tiered meter, as on
/// GuardDuty's bill), per `perUnit` records or bytes, in tiers applied per account and calendar month.
public struct PriceTable: Sendable, Equatable {
    public let effectiveDate: String
    public let region: String
    public let currency: String
    public let source: String
    public let meters: [Meter]

    /// One billed line: the data sources it counts, what it measures, and its tiers.
    public struct Meter: Sendable, Equatable {
        public let name: String
        public let dataSources: [String]
        /// `records` (events) or `bytes`.
        public let measure: String
        /// How many records or bytes make one priced unit (1,000,000 events; 2^30 bytes for a GB).
        public let perUnit: Decimal
        public let unit: String
        public let tiers: [Tier]
    }

    /// A price per unit up to a cumulative monthly quantity of units (nil: without bound, the last tier).
    public struct Tier: Sendable, Equatable {
        public let upTo: Decimal?
        public let price: Decimal
    }

    /// A table that cannot be used, and why.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The meter pricing `dataSource`, if any.
    public func meter(for dataSource: String) -> Meter? {
        self.meters.first { $0.dataSources.contains(dataSource) }
    }

    /// The table in `data` (JSON), checked: a date, a region, USD, and for each meter known data sources, a measure,
    /// a positive unit and ascending tiers of non-negative prices ending with an unbounded one.
    public static func parse(_ data: Data) throws -> PriceTable {
        let file: PriceTableFile
        do {
            file = try JSONDecoder().decode(PriceTableFile.self, from: data)
        } catch let error as DecodingError {
            throw Invalid(description: "the price table is not the expected JSON: \(PriceTableFile.explain(error))")
        } catch {
            throw Invalid(description: "the price table is not JSON: \(error)")
        }
        return try file.table()
    }

    /// The table shipped with Guardpost (pricing/guardduty-prices.json).
    public static let bundled: PriceTable = {
        do {
            return try Self.parse(Data(Self.bundledJSON.utf8))
        } catch {
            preconditionFailure("The bundled price table does not parse: \(error)")
        }
    }()
}
