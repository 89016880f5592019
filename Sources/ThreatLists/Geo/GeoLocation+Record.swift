/// Reading a location out of one database record, whichever vendor's field names it uses.
extension GeoLocation {
    /// The top-level keys any vendor's record may place or own an address with.
    enum Field: Int, CaseIterable {
        case country, countryCode, registeredCountry, city, location, latitude, longitude
        case asNumber, asOrganization, traits, asn, asName, isp, organization, name

        static let keys = [
            "country", "country_code", "registered_country", "city", "location", "latitude", "longitude", "autonomous_system_number",
            "autonomous_system_organization", "traits", "asn", "as_name", "isp", "organization", "name",
        ]
    }

    /// MaxMind (GeoLite2/GeoIP2 City, Country, Enterprise, ASN, ISP) and DB-IP lite: nested maps and `names.en`;
    /// IPinfo lite/location/ASN/company: flat `country` (a name), `country_code`, `city`, `asn` ("AS13335"), `as_name`,
    /// `name`; sapics ip-location-db: flat `country_code`, `city`, `latitude`, and GeoLite2's ASN keys. The record's
    /// top-level map is read once; each value is then read from where it was found.
    public init(_ reader: MMDBReader, _ record: MMDBRecord) {
        self.init()
        let fields = reader.fields(record, Field.keys)
        func has(_ field: Field) -> Bool { fields[field.rawValue] != nil }
        // Empty strings (IPinfo writes "" for what it does not know) are absent values.
        func text(_ field: Field, _ path: [String] = []) -> String? {
            fields[field.rawValue].flatMap { reader.string($0, path) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func number(_ field: Field, _ path: [String] = []) -> Double? { fields[field.rawValue].flatMap { reader.number($0, path) } }
        func unsigned(_ field: Field, _ path: [String] = []) -> UInt64? { fields[field.rawValue].flatMap { reader.unsigned($0, path) } }
        self.countryCode = text(.country, ["iso_code"]) ?? text(.countryCode) ?? text(.registeredCountry, ["iso_code"])
        self.countryName = text(.country, ["names", "en"]) ?? text(.country) ?? (has(.country) ? nil : text(.registeredCountry, ["names", "en"]))
        self.cityName = text(.city, ["names", "en"]) ?? text(.city)
        if let latitude = number(.location, ["latitude"]), let longitude = number(.location, ["longitude"]) {
            (self.latitude, self.longitude) = (latitude, longitude)
        } else if let latitude = number(.latitude), let longitude = number(.longitude) {
            (self.latitude, self.longitude) = (latitude, longitude)
        }
        self.asn = unsigned(.asNumber) ?? unsigned(.traits, ["autonomous_system_number"]) ?? unsigned(.asn) ?? text(.asn).flatMap(Self.asNumber)
        self.asnOrg = text(.asOrganization) ?? text(.traits, ["autonomous_system_organization"]) ?? text(.asName)
        self.isp = text(.isp) ?? text(.traits, ["isp"])
        self.org = text(.organization) ?? text(.traits, ["organization"])
        // IPinfo's `name`: the company in its company database (beside `as_name`), the AS's name in its ASN database.
        if let name = text(.name) {
            if has(.asName) { self.org = self.org ?? name } else if self.asn != nil { self.asnOrg = self.asnOrg ?? name }
        }
    }

    /// "AS13335" or "13335".
    static func asNumber(_ text: String) -> UInt64? {
        let digits = text.hasPrefix("AS") || text.hasPrefix("as") ? text.dropFirst(2) : Substring(text)
        return UInt64(digits)
    }
}
