/// Where an address is and who holds it, as far as the loaded databases know: GuardDuty's remoteIpDetails country,
/// city, geoLocation and organization, from any of the MaxMind DB variants (field names differ between vendors).
public struct GeoLocation: Sendable, Equatable {
    public var countryCode: String?
    public var countryName: String?
    public var cityName: String?
    public var latitude: Double?
    public var longitude: Double?
    public var asn: UInt64?
    public var asnOrg: String?
    public var isp: String?
    public var org: String?

    public init(
        countryCode: String? = nil, countryName: String? = nil, cityName: String? = nil, latitude: Double? = nil, longitude: Double? = nil,
        asn: UInt64? = nil, asnOrg: String? = nil, isp: String? = nil, org: String? = nil
    ) {
        self.countryCode = countryCode
        self.countryName = countryName
        self.cityName = cityName
        self.latitude = latitude
        self.longitude = longitude
        self.asn = asn
        self.asnOrg = asnOrg
        self.isp = isp
        self.org = org
    }

    public var isEmpty: Bool { self == GeoLocation() }

    /// This location with its missing place fields taken from `other` (and its missing owner fields too).
    public func filled(from other: GeoLocation) -> GeoLocation {
        var result = self
        result.countryCode = result.countryCode ?? other.countryCode
        result.countryName = result.countryName ?? other.countryName
        result.cityName = result.cityName ?? other.cityName
        if result.latitude == nil || result.longitude == nil {
            result.latitude = other.latitude
            result.longitude = other.longitude
        }
        result.asn = result.asn ?? other.asn
        result.asnOrg = result.asnOrg ?? other.asnOrg
        result.isp = result.isp ?? other.isp
        result.org = result.org ?? other.org
        return result
    }
}
