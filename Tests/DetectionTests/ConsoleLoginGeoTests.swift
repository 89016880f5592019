import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// ConsoleLoginSuccess.B with the operator's city/country database: its countries come before the location files.
@Suite("ConsoleLoginSuccess.B with a geolocation database")
struct ConsoleLoginGeoTests {
    static func geo() throws -> GeoDatabases {
        let path = try SharedData.require().appendingPathComponent("geoip/maxmind-test/test-data/GeoIP2-City-Test.mmdb").path
        return GeoDatabases(city: try MMDBReader(path: path), asn: nil)
    }

    /// A location file that wrongly puts London and Linköping in one region.
    static let coarse = Intelligence.locations(tsv: "81.2.0.0/16\tEU\n89.160.0.0/16\tEU\n2.125.0.0/16\tEU\n")

    static func findings(_ lines: [String], geo: GeoDatabases?) -> [Finding] {
        let intelligence = Intelligence(places: Places(locations: Self.coarse, geo: geo))
        return TrailEvents.findings(lines, intelligence: intelligence).filter { $0.type == "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B" }
    }

    @Test func loginsFromTwoCountriesOfTheDatabaseAreReportedThoughTheLocationFileSaysOneRegion() throws {
        let day = ConsoleLoginWindowTests.day
        let lines = [
            ConsoleLoginWindowTests.login("81.2.69.142", at: day + 3_600), ConsoleLoginWindowTests.login("89.160.20.112", at: day + 4_800),
        ]
        #expect(Self.findings(lines, geo: nil).isEmpty)
        let found = Self.findings(lines, geo: try Self.geo())
        #expect(found.count == 1)
        #expect(found.first?.description.contains("GB, SE") == true)
    }

    @Test func loginsFromTwoNetworksOfOneDatabaseCountryAreNotReported() throws {
        let day = ConsoleLoginWindowTests.day
        // London and Boxford: different /16 networks, both GB.
        let lines = (0..<4).flatMap { round in
            [
                ConsoleLoginWindowTests.login("81.2.69.142", at: day + Int64(round) * 7_200),
                ConsoleLoginWindowTests.login("2.125.160.216", at: day + Int64(round) * 7_200 + 300),
            ]
        }
        let geo = try Self.geo()
        #expect(geo.locate("2.125.160.216")?.countryCode == "GB")
        #expect(Self.findings(lines, geo: geo).isEmpty)
    }
}
