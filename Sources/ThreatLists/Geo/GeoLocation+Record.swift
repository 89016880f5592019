/// Reading a location out of one database record, whichever vendor's field names it uses.
extension GeoLocation {
    /// MaxMind (GeoLite2/GeoIP2 City, Country, Enterprise, ASN, ISP) and DB-IP lite: nested maps and `names.en`;
    /// IPinfo lite/location/ASN/company: flat `country` (a name), `country_code`, `city`, `asn` ("AS13335"), `as_name`,
    /// `name`; sapics ip-location-db: flat `country_code`, `city`, `latitude`, and GeoLite2's ASN keys.
    public init(_ reader: MMDBReader, _ record: MMDBRecord) {
        self.init()
        // Empty strings (IPinfo writes "" for what it does not know) are absent values.
        func text(_ record: MMDBRecord, _ path: [String]) -> String? { reader.string(record, path).flatMap { $0.isEmpty ? nil : $0 } }
        self.countryCode =
            text(record, ["country", "iso_code"]) ?? text(record, ["country_code"])
            ?? text(record, ["registered_country", "iso_code"])
        self.countryName =
            text(record, ["country", "names", "en"]) ?? text(record, ["country"])
            ?? (reader.contains(record, ["country"]) ? nil : text(record, ["registered_country", "names", "en"]))
        self.cityName = text(record, ["city", "names", "en"]) ?? text(record, ["city"])
        if let latitude = reader.number(record, ["location", "latitude"]), let longitude = reader.number(record, ["location", "longitude"]) {
            (self.latitude, self.longitude) = (latitude, longitude)
        } else if let latitude = reader.number(record, ["latitude"]), let longitude = reader.number(record, ["longitude"]) {
            (self.latitude, self.longitude) = (latitude, longitude)
        }
        self.asn =
            reader.unsigned(record, ["autonomous_system_number"]) ?? reader.unsigned(record, ["traits", "autonomous_system_number"])
            ?? reader.unsigned(record, ["asn"]) ?? text(record, ["asn"]).flatMap(Self.asNumber)
        self.asnOrg =
            text(record, ["autonomous_system_organization"])
            ?? text(record, ["traits", "autonomous_system_organization"]) ?? text(record, ["as_name"])
        self.isp = text(record, ["isp"]) ?? text(record, ["traits", "isp"])
        self.org = text(record, ["organization"]) ?? text(record, ["traits", "organization"])
        // IPinfo's `name`: the company in its company database (beside `as_name`), the AS's name in its ASN database.
        if let name = text(record, ["name"]) {
            if reader.contains(record, ["as_name"]) { self.org = self.org ?? name } else if self.asn != nil { self.asnOrg = self.asnOrg ?? name }
        }
    }

    /// "AS13335" or "13335".
    static func asNumber(_ text: String) -> UInt64? {
        let digits = text.hasPrefix("AS") || text.hasPrefix("as") ? text.dropFirst(2) : Substring(text)
        return UInt64(digits)
    }
}
