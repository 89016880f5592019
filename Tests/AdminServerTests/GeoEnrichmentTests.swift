import AdminServer
import Foundation
import GuardDutyModel
import Testing

/// Ingest with the operator's geolocation databases: findings an agent sends without a place come back placed.
@Suite("Geolocation at ingest")
struct GeoEnrichmentTests {
    static let testData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/geoip/maxmind-test/test-data")

    static func configuration() throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        try configuration.useGeolocation(
            cityPath: Self.testData.appendingPathComponent("GeoIP2-City-Test.mmdb").path,
            asnPath: Self.testData.appendingPathComponent("GeoIP2-ISP-Test.mmdb").path)
        return configuration
    }

    static func remote(_ finding: [String: Any]) -> [String: Any]? {
        let service = finding["service"] as? [String: Any]
        let action = service?["action"] as? [String: Any]
        return (action?["networkConnectionAction"] as? [String: Any])?["remoteIpDetails"] as? [String: Any]
    }

    @Test func anIngestedFindingComesBackWithCountryCityCoordinatesAndOwner() async throws {
        try await TestServer.run(configuration: try Self.configuration()) { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            let london = makeFinding(account: key.accountId, detectorId: detector, id: "london", remoteIp: "81.2.69.142")
            let telstra = makeFinding(account: key.accountId, detectorId: detector, id: "telstra", remoteIp: "1.128.0.0")
            var placed = makeFinding(account: key.accountId, detectorId: detector, id: "placed", remoteIp: "81.2.69.142")
            placed.service.action.networkConnectionAction?.remoteIpDetails?.country = Finding.Country(countryCode: "FR", countryName: "France")
            let privateRemote = makeFinding(account: key.accountId, detectorId: detector, id: "private", remoteIp: "10.1.2.3")
            #expect(try await server.ingest(key, detectorId: detector, [london, telstra, placed, privateRemote]).status == 200)
            let response = try await server.call(
                key, .post, "/detector/\(detector)/findings/get", json: #"{"findingIds":["london","telstra","placed","private"]}"#)
            let byId = Dictionary(
                uniqueKeysWithValues: (response.body["findings"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0) })
            let londonRemote = try #require(byId["london"].flatMap(Self.remote))
            #expect((londonRemote["country"] as? [String: Any])?["countryCode"] as? String == "GB")
            #expect((londonRemote["country"] as? [String: Any])?["countryName"] as? String == "United Kingdom")
            #expect((londonRemote["city"] as? [String: Any])?["cityName"] as? String == "London")
            #expect((londonRemote["geoLocation"] as? [String: Any])?["lat"] as? Double == 51.5142)
            #expect((londonRemote["geoLocation"] as? [String: Any])?["lon"] as? Double == -0.0931)
            let owner = try #require(byId["telstra"].flatMap(Self.remote)?["organization"] as? [String: Any])
            #expect(owner["asn"] as? String == "1221" && owner["asnOrg"] as? String == "Telstra Pty Ltd")
            #expect(owner["isp"] as? String == "Telstra Internet" && owner["org"] as? String == "Telstra Internet")
            // What the agent already said is kept; only the missing fields are filled.
            let kept = try #require(byId["placed"].flatMap(Self.remote))
            #expect((kept["country"] as? [String: Any])?["countryCode"] as? String == "FR")
            #expect((kept["city"] as? [String: Any])?["cityName"] as? String == "London")
            let unplaced = try #require(byId["private"].flatMap(Self.remote))
            #expect(unplaced["country"] == nil && unplaced["organization"] == nil && unplaced["ipAddressV4"] as? String == "10.1.2.3")
            try await Self.consoleShowsThePlaces(server, key)
        }
    }

    /// The finding detail names the place and owner; the summary counts findings per remote country and ASN.
    static func consoleShowsThePlaces(_ server: TestServer, _ key: IssuedAccessKey) async throws {
        var browser = ConsoleTests.Browser(server: server, cookie: nil)
        #expect(try await browser.signIn(key).status == 303)
        let london = try await browser.get("/console/findings?id=london").html
        #expect(london.contains("Remote location") && london.contains("London, United Kingdom (GB) · 51.5142, -0.0931"))
        let telstra = try await browser.get("/console/findings?id=telstra").html
        #expect(telstra.contains("AS1221 Telstra Pty Ltd · ISP Telstra Internet"))
        let summary = try await browser.get("/console").html
        #expect(summary.contains("Top remote countries") && summary.contains("Top remote networks (ASN)"))
        // One finding in London (the one the agent placed in France keeps FR), one from Telstra's network.
        #expect(summary.contains("<td>United Kingdom (GB)</td><td>1</td>"))
        #expect(summary.contains("<td>France (FR)</td><td>1</td>"))
        #expect(summary.contains("<td>AS1221 Telstra Pty Ltd</td><td>1</td>"))
    }

    @Test func anUnreadableDatabaseIsRefusedAtStartNamingTheFile() {
        var configuration = ServerConfiguration()
        let error = #expect(throws: (any Error).self) { try configuration.useGeolocation(cityPath: "/nonexistent/city.mmdb", asnPath: nil) }
        #expect(error.map { "\($0)" }?.contains("/nonexistent/city.mmdb") == true)
    }
}
