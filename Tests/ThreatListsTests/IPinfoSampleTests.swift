import Foundation
import Testing

@testable import ThreatLists

/// IPinfo's sample databases: every row of each CSV must come back from the MMDB beside it.
@Suite("IPinfo sample databases")
struct IPinfoSampleTests {
    /// The CSV's rows as header → value maps, empty fields left out (quoted fields may hold commas).
    static func rows(_ name: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: GeoData.path("ipinfo-sample/\(name).csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { Self.fields(String($0)) }
        let header = lines.removeFirst()
        // An empty field is a value the database does not hold.
        return lines.map { Dictionary(uniqueKeysWithValues: zip(header, $0).filter { !$0.1.isEmpty }) }
    }

    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == ",", !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    static func firstAddress(_ row: [String: String]) -> String? {
        row["start_ip"] ?? row["network"].map { String($0.split(separator: "/")[0]) }
    }

    static func asNumber(_ text: String?) -> UInt64? { text.flatMap { UInt64($0.dropFirst(2)) } }

    @Test func liteSampleGivesCountryAndAutonomousSystem() throws {
        let reader = try MMDBReader(path: GeoData.path("ipinfo-sample/ipinfo_lite_sample.mmdb"))
        let rows = try Self.rows("ipinfo_lite_sample")
        #expect(rows.count == 100)
        for row in rows {
            let address = try #require(Self.firstAddress(row))
            let location = GeoLocation(reader, try #require(reader.lookup(address), "\(address)"))
            #expect(location.countryCode == row["country_code"] && location.countryName == row["country"], "\(address)")
            #expect(location.asn == Self.asNumber(row["asn"]) && location.asnOrg == row["as_name"], "\(address)")
        }
        let cloudflare = GeoLocation(reader, try #require(reader.lookup("1.0.0.1")))
        #expect(cloudflare.countryCode == "AU" && cloudflare.asn == 13335 && cloudflare.asnOrg == "Cloudflare, Inc.")
        #expect(reader.lookup("8.8.8.8") == nil)
    }

    @Test func locationSampleGivesCityAndCoordinates() throws {
        let reader = try MMDBReader(path: GeoData.path("ipinfo-sample/ipinfo_location_sample.mmdb"))
        for row in try Self.rows("ipinfo_location_sample") {
            let address = try #require(Self.firstAddress(row))
            let location = GeoLocation(reader, try #require(reader.lookup(address), "\(address)"))
            #expect(location.cityName == row["city"] && location.countryCode == row["country_code"], "\(address)")
            #expect(location.latitude == row["latitude"].flatMap(Double.init), "\(address)")
            #expect(location.longitude == row["longitude"].flatMap(Double.init), "\(address)")
        }
        let sydney = GeoLocation(reader, try #require(reader.lookup("1.0.0.1")))
        #expect(sydney.cityName == "Sydney" && sydney.latitude == -33.86785 && sydney.longitude == 151.20732)
    }

    @Test func asnAndCompanySamplesGiveTheOwner() throws {
        let asn = try MMDBReader(path: GeoData.path("ipinfo-sample/ip_asn_sample.mmdb"))
        for row in try Self.rows("ip_asn_sample") {
            let address = try #require(Self.firstAddress(row))
            let location = GeoLocation(asn, try #require(asn.lookup(address), "\(address)"))
            #expect(location.asn == Self.asNumber(row["asn"]) && location.asnOrg == row["name"], "\(address)")
        }
        #expect(GeoLocation(asn, try #require(asn.lookup("1.0.4.1"))).asnOrg == "Gtelecom Pty Ltd")
        let company = try MMDBReader(path: GeoData.path("ipinfo-sample/ip_company_sample.mmdb"))
        for row in try Self.rows("ip_company_sample") {
            let address = try #require(Self.firstAddress(row))
            let location = GeoLocation(company, try #require(company.lookup(address), "\(address)"))
            #expect(location.org == row["name"] && location.asnOrg == row["as_name"], "\(address)")
        }
        #expect(GeoLocation(company, try #require(company.lookup("1.0.0.1"))).org == "APNIC and Cloudflare DNS Resolver project")
    }
}
