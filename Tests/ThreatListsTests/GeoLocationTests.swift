import Foundation
import GuardDutyModel
import Testing

@testable import ThreatLists

@Suite("Geolocation from MaxMind, IPinfo and ip-location-db databases")
struct GeoLocationTests {
    static func databases(city: String?, asn: String?) throws -> GeoDatabases {
        try GeoDatabases(cityPath: city.map(GeoData.path), asnPath: asn.map(GeoData.path))
    }

    static let maxmind = Result {
        try databases(city: "maxmind-test/test-data/GeoLite2-City-Test.mmdb", asn: "maxmind-test/test-data/GeoLite2-ASN-Test.mmdb")
    }

    @Test func cityDatabaseGivesCountryCityAndCoordinates() throws {
        let geo = try Self.maxmind.get()
        let london = try #require(geo.locate("81.2.69.142"))
        #expect(london.countryCode == "GB")
        #expect(london.countryName == "United Kingdom")
        #expect(london.cityName == "London")
        #expect(london.latitude == 51.5142 && london.longitude == -0.0931)
        #expect(geo.locate("2.125.160.216")?.cityName == "Boxford")
        let linkoping = try #require(geo.locate("89.160.20.112"))
        #expect(linkoping.cityName == "Linköping" && linkoping.countryCode == "SE")
        #expect(linkoping.latitude == 58.4167 && linkoping.longitude == 15.6167)
        let milton = try #require(geo.locate("216.160.83.56"))
        #expect(milton.cityName == "Milton" && milton.countryCode == "US" && milton.latitude == 47.2513 && milton.longitude == -122.3149)
        #expect(geo.locate("175.16.199.0")?.cityName == "Changchun")
        #expect(geo.locate("175.16.199.0")?.countryCode == "CN")
        let bhutan = try #require(geo.locate("67.43.156.0"))
        #expect(bhutan.countryCode == "BT" && bhutan.cityName == nil)
        #expect(geo.locate("2001:218::1")?.countryCode == "JP")
        #expect(geo.locate("8.8.8.8") == nil)
    }

    @Test func asnDatabaseGivesTheNetworkOwner() throws {
        let geo = try Self.maxmind.get()
        let telstra = try #require(geo.locate("1.128.0.0"))
        #expect(telstra.asn == 1221 && telstra.asnOrg == "Telstra Pty Ltd")
        #expect(geo.locate("12.81.92.0")?.asn == 7018)
        #expect(geo.locate("12.81.92.0")?.asnOrg?.hasPrefix("AT&T Services") == true)
        #expect(geo.locate("149.101.100.0")?.asnOrg == "CELLCO-PART")
        #expect(geo.locate("149.101.100.0")?.asn == 6167)
        let merit = try #require(geo.locate("2600:6000::1"))
        #expect(merit.asn == 237 && merit.asnOrg == "Merit Network Inc.")
    }

    @Test func ispDatabaseAddsIspAndOrganization() throws {
        let geo = try Self.databases(city: nil, asn: "maxmind-test/test-data/GeoIP2-ISP-Test.mmdb")
        let telstra = try #require(geo.locate("1.128.0.0"))
        #expect(telstra == GeoLocation(asn: 1221, asnOrg: "Telstra Pty Ltd", isp: "Telstra Internet", org: "Telstra Internet"))
        let verizon = try #require(geo.locate("149.101.100.0"))
        #expect(verizon == GeoLocation(asn: 6167, asnOrg: "CELLCO-PART", isp: "Verizon Wireless", org: "Verizon Wireless"))
        let telekom = try #require(geo.locate("84.128.23.4"))
        #expect(telekom.asn == 3320 && telekom.asnOrg == "Deutsche Telekom AG")
        #expect(telekom.isp != nil && telekom.org != nil)
    }

    @Test func enterpriseDatabaseFillsPlaceAndOwnerFromOneRecord() throws {
        let geo = try Self.databases(city: "maxmind-test/test-data/GeoIP2-Enterprise-Test.mmdb", asn: nil)
        let chatham = try #require(geo.locate("74.209.24.0"))
        #expect(chatham.cityName == "Chatham" && chatham.countryCode == "US")
        #expect(chatham.latitude == 42.3478 && chatham.longitude == -73.5549)
        #expect(chatham.asn == 14671 && chatham.asnOrg == "FairPoint Communications")
        #expect(chatham.isp == "Fairpoint Communications" && chatham.org == "Fairpoint Communications")
    }

    @Test func privateAndSpecialAddressesAreNeverPlaced() throws {
        let geo = try Self.databases(city: "ip-location-db/geo-whois-asn-country-ipv4.mmdb", asn: nil)
        for address in ["10.0.0.1", "127.0.0.1", "0.0.0.0", "192.168.1.1", "::1", "fe80::1", "::ffff:10.0.0.1", "not an address"] {
            #expect(geo.locate(address) == nil, "\(address)")
        }
        #expect(geo.locate("::ffff:92.55.146.245")?.countryCode == "RO")
    }

    /// ip-location-db's own expected lookups (as read by the maxminddb Python reader).
    @Test func ipLocationDatabasesMatchTheirExpectedLookups() throws {
        let lines = try String(contentsOfFile: GeoData.path("ip-location-db/expected_lookups.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 31)
        var readers: [String: MMDBReader] = [:]
        for line in lines {
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let db = try #require(entry["db"] as? String)
            let ip = try #require(entry["ip"] as? String)
            let reader = try readers[db] ?? MMDBReader(path: GeoData.path("ip-location-db/\(db)"))
            readers[db] = reader
            let record = reader.lookup(ip)
            guard let expected = entry["record"] as? [String: Any] else {
                #expect(record == nil, "\(db) \(ip)")
                continue
            }
            let found = try #require(record, "\(db) \(ip)")
            #expect(found.prefixLength == entry["prefix_len"] as? Int, "\(db) \(ip)")
            let location = GeoLocation(reader, found)
            #expect(location.countryCode == expected["country_code"] as? String, "\(db) \(ip)")
            #expect(location.asn == (expected["autonomous_system_number"] as? Int).map(UInt64.init), "\(db) \(ip)")
            #expect(location.asnOrg == expected["autonomous_system_organization"] as? String, "\(db) \(ip)")
        }
    }
}
