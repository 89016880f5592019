/// remoteIpDetails' place and owner shapes, as botocore's model names them (filled from the operator's geolocation databases).
extension Finding {
    /// `City`.
    public struct City: Codable, Sendable, Equatable {
        public var cityName: String?
        public init(cityName: String?) { self.cityName = cityName }
    }

    /// `Country`.
    public struct Country: Codable, Sendable, Equatable {
        public var countryCode: String?
        public var countryName: String?
        public init(countryCode: String?, countryName: String?) {
            self.countryCode = countryCode
            self.countryName = countryName
        }
    }

    /// `GeoLocation`: latitude and longitude in degrees.
    public struct GeoLocation: Codable, Sendable, Equatable {
        public var lat: Double?
        public var lon: Double?
        public init(lat: Double?, lon: Double?) {
            self.lat = lat
            self.lon = lon
        }
    }

    /// `Organization`: the autonomous system (number as a string, as GuardDuty writes it) and the network's holder.
    public struct Organization: Codable, Sendable, Equatable {
        public var asn: String?
        public var asnOrg: String?
        public var isp: String?
        public var org: String?
        public init(asn: String?, asnOrg: String?, isp: String?, org: String?) {
            self.asn = asn
            self.asnOrg = asnOrg
            self.isp = isp
            self.org = org
        }
    }
}
