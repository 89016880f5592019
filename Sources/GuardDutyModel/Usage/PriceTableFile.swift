import Foundation

/// The price table's JSON as written (prices and bounds as decimal strings, so that no figure passes through a
/// binary floating point), and its checks into a `PriceTable`.
struct PriceTableFile: Decodable {
    var effectiveDate: String
    var region: String
    var currency: String
    var source: String
    var meters: [MeterFile]

    /// A meter as written.
    struct MeterFile: Decodable {
        var name: String
        var dataSources: [String]
        var measure: String
        var perUnit: Int
        var unit: String
        var tiers: [TierFile]
    }

    /// A tier as written.
    struct TierFile: Decodable {
        var upTo: String?
        var price: String
    }

    /// The data sources agents report usage for.
    static let dataSources: Set<String> = ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS", "S3_LOGS"]

    func table() throws -> PriceTable {
        guard Self.isDate(self.effectiveDate) else {
            throw Self.invalid("effectiveDate '\(self.effectiveDate.prefix(40))' is not a date (YYYY-MM-DD)")
        }
        guard !self.region.isEmpty, !self.source.isEmpty else { throw Self.invalid("region and source must not be empty") }
        guard self.currency == "USD" else { throw Self.invalid("currency is '\(self.currency.prefix(20))': GuardDuty prices in USD") }
        guard !self.meters.isEmpty else { throw Self.invalid("meters is empty") }
        var seen: Set<String> = []
        let meters = try self.meters.enumerated().map { index, meter in
            let place = "meter \(index + 1) ('\(meter.name.prefix(60))')"
            for source in meter.dataSources {
                guard Self.dataSources.contains(source) else {
                    throw Self.invalid("\(place): data source '\(source.prefix(30))' is not FLOW_LOGS, CLOUD_TRAIL, DNS_LOGS or S3_LOGS")
                }
                guard seen.insert(source).inserted else { throw Self.invalid("\(place): data source \(source) is priced twice") }
            }
            guard !meter.dataSources.isEmpty else { throw Self.invalid("\(place): dataSources is empty") }
            guard meter.measure == "records" || meter.measure == "bytes" else {
                throw Self.invalid("\(place): measure '\(meter.measure.prefix(20))' is not records or bytes")
            }
            guard meter.perUnit > 0 else { throw Self.invalid("\(place): perUnit must be above 0") }
            return PriceTable.Meter(
                name: meter.name, dataSources: meter.dataSources, measure: meter.measure, perUnit: Decimal(meter.perUnit), unit: meter.unit,
                tiers: try Self.tiers(meter.tiers, place))
        }
        return PriceTable(effectiveDate: self.effectiveDate, region: self.region, currency: self.currency, source: self.source, meters: meters)
    }

    /// Tiers with ascending bounds and non-negative prices, the last one unbounded.
    static func tiers(_ tiers: [TierFile], _ place: String) throws -> [PriceTable.Tier] {
        guard tiers.last?.upTo == nil, !tiers.isEmpty else { throw Self.invalid("\(place): the last tier must have no upTo") }
        var previous = Decimal(0)
        return try tiers.enumerated().map { index, tier in
            guard let price = Self.decimal(tier.price), price >= 0 else {
                throw Self.invalid("\(place), tier \(index + 1): price '\(tier.price.prefix(30))' is not a non-negative decimal")
            }
            guard let text = tier.upTo else { return PriceTable.Tier(upTo: nil, price: price) }
            guard index < tiers.count - 1, let bound = Self.decimal(text), bound > previous else {
                throw Self.invalid("\(place), tier \(index + 1): upTo '\(text.prefix(30))' is not a number above the previous tier's \(previous)")
            }
            previous = bound
            return PriceTable.Tier(upTo: bound, price: price)
        }
    }

    /// A plain decimal ("4.00", "2500"): digits with at most one point, nothing else.
    static func decimal(_ text: String) -> Decimal? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 18 && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) })
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Whether `text` is a calendar date written YYYY-MM-DD.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.utf8.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        let components = DateComponents(year: Int(parts[0]), month: Int(parts[1]), day: Int(parts[2]))
        return components.isValidDate(in: Calendar(identifier: .gregorian))
    }

    static func invalid(_ message: String) -> PriceTable.Invalid {
        PriceTable.Invalid(description: "the price table is not valid: \(message)")
    }

    /// A decoding error said as the key path that is missing or of the wrong type.
    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is of the wrong type "
                + "(prices and upTo are strings, perUnit a whole number)"
        case .dataCorrupted(let context): "the file is not JSON (\(context.debugDescription.prefix(120)))"
        @unknown default: "\(error)"
        }
    }
}
