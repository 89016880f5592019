/// The operator's place database (City or Country: `--geoip-city`) and owner database (ASN or ISP: `--geoip-asn`),
/// either optional, answering one location per public address. Either file may be any vendor's variant: a City
/// database that also holds ASN data (GeoIP2 Enterprise, IPinfo lite) fills both halves.
public struct GeoDatabases: Sendable {
    public let city: MMDBReader?
    public let asn: MMDBReader?

    public init(city: MMDBReader?, asn: MMDBReader?) {
        self.city = city
        self.asn = asn
    }

    /// Opens the files given (nil: none); throws naming the file that cannot be read.
    public init(cityPath: String?, asnPath: String?) throws {
        self.init(city: try cityPath.map { try MMDBReader(path: $0) }, asn: try asnPath.map { try MMDBReader(path: $0) })
    }

    public var isEmpty: Bool { self.city == nil && self.asn == nil }

    /// The location of a public address (nil for private and special-purpose space, and for addresses neither database knows).
    public func locate(_ address: String) -> GeoLocation? {
        if let v4 = IPAddressParser.ipv4(address.utf8) { return self.locate(IPNetwork(v4: v4)) }
        if let v6 = IPAddressParser.ipv6(address.utf8) { return self.locate(IPNetwork(v6: v6)) }
        return nil
    }

    /// The location of a single address given as a full-length network.
    public func locate(_ address: IPNetwork) -> GeoLocation? {
        if case .v6(let value, _) = address, value >> 32 == 0xFFFF { return self.locate(IPNetwork(v4: UInt32(truncatingIfNeeded: value))) }
        guard !address.isBogon else { return nil }
        func find(_ reader: MMDBReader?) -> GeoLocation? {
            guard let reader else { return nil }
            let record: MMDBRecord?
            switch address {
            case .v4(let value, _): record = reader.lookup(v4: value)
            case .v6(let value, _): record = reader.lookup(v6: value)
            }
            return record.map { GeoLocation(reader, $0) }
        }
        let place = find(self.city)
        let owner = find(self.asn)
        guard let location = Self.merge(place: place, owner: owner), !location.isEmpty else { return nil }
        return location
    }

    /// Place fields from the place database first, owner fields from the owner database first; each fills the other's gaps.
    static func merge(place: GeoLocation?, owner: GeoLocation?) -> GeoLocation? {
        guard let place else { return owner }
        guard let owner else { return place }
        var merged = place.filled(from: owner)
        merged.asn = owner.asn ?? place.asn
        merged.asnOrg = owner.asnOrg ?? place.asnOrg
        merged.isp = owner.isp ?? place.isp
        merged.org = owner.org ?? place.org
        return merged
    }
}
