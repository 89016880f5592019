import ArgumentParser
import ThreatLists

/// `--geoip-city` and `--geoip-asn`: the operator's MaxMind DB files, shared by `scan` and `run`.
struct GeoOptions: ParsableArguments {
    @Option(
        name: .customLong("geoip-city"),
        help: "MaxMind DB (.mmdb) city or country database (GeoLite2/GeoIP2, DB-IP lite, IPinfo lite): places findings' remote addresses.")
    var city: String?
    @Option(name: .customLong("geoip-asn"), help: "MaxMind DB (.mmdb) ASN or ISP database: the owner of findings' remote addresses.")
    var asn: String?

    /// The databases given (nil: none); a file that cannot be read is a usage error naming it.
    func databases() throws -> GeoDatabases? {
        guard self.city != nil || self.asn != nil else { return nil }
        do {
            return try GeoDatabases(cityPath: self.city, asnPath: self.asn)
        } catch {
            throw ValidationError("cannot use the geolocation database: \(error)")
        }
    }
}
