import Foundation
import GuardDutyModel
import Testing

@testable import ThreatLists

/// remoteIpDetails filled for every remote address a finding names.
@Suite("Finding enrichment")
struct FindingEnricherTests {
    static func finding(_ action: Finding.Action) -> Finding {
        Finding(
            accountId: "123456789012", arn: "arn:aws:guardduty:us-east-1:123456789012:detector/d/finding/f", createdAt: "2026-11-20T09:00:00.000Z",
            description: "test", id: "f", region: "us-east-1",
            resource: Finding.Resource(resourceType: "Instance", instanceDetails: Finding.InstanceDetails(instanceId: "i-0123456789abcdef0")),
            service: Finding.Service(
                action: action, evidence: nil, count: 1, detectorId: "d", eventFirstSeen: "2026-11-20T09:00:00.000Z",
                eventLastSeen: "2026-11-20T09:00:00.000Z", resourceRole: "TARGET", additionalInfo: nil, featureName: nil),
            severity: 2, title: "test", type: "Recon:EC2/PortProbeUnprotectedPort", updatedAt: "2026-11-20T09:00:00.000Z")
    }

    static func enricher() throws -> FindingEnricher {
        try #require(
            try FindingEnricher.open(
                cityPath: GeoData.maxmind("GeoIP2-City-Test"), asnPath: GeoData.maxmind("GeoLite2-ASN-Test")))
    }

    @Test func everyPortProbeDetailIsPlaced() throws {
        let probes = ["81.2.69.142", "1.128.0.0", "192.168.1.9"].map { Finding.PortProbeDetail(localPort: 22, local: "10.0.0.5", remote: $0) }
        var finding = Self.finding(.portProbe(Finding.PortProbeAction(blocked: false, portProbeDetails: probes)))
        try Self.enricher().enrich(&finding)
        let details = try #require(finding.service.action.portProbeAction?.portProbeDetails.map(\.remoteIpDetails))
        #expect(details[0].country == Finding.Country(countryCode: "GB", countryName: "United Kingdom"))
        #expect(details[0].city == Finding.City(cityName: "London"))
        #expect(details[0].geoLocation == Finding.GeoLocation(lat: 51.5142, lon: -0.0931))
        #expect(details[1].organization == Finding.Organization(asn: "1221", asnOrg: "Telstra Pty Ltd", isp: nil, org: nil))
        #expect(details[2].country == nil && details[2].organization == nil)
    }

    @Test func anApiCallersAddressIsPlacedAndIsEncodedAsGuardDutyNamesIt() throws {
        var finding = Self.finding(
            .api(
                Finding.AwsApiCallAction(
                    api: "ConsoleLogin", callerType: "Remote IP", errorCode: nil, userAgent: nil, remoteIp: "89.160.20.112",
                    serviceName: "signin.amazonaws.com")))
        try Self.enricher().enrich(&finding)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(finding.service.action.awsApiCallAction?.remoteIpDetails), as: UTF8.self)
        #expect(json.contains(#""countryCode":"SE""#) && json.contains(#""cityName":"Linköping""#))
        #expect(json.contains(#""lat":58.4167"#) && json.contains(#""lon":15.6167"#))
        #expect(json.contains(#""ipAddressV4":"89.160.20.112""#))
        #expect(json.contains(#""organization":{"asn":"29518","asnOrg":"Bredband2 AB"}"#))
    }

    @Test func aKubernetesCallersAddressIsPlaced() throws {
        var call = Finding.KubernetesApiCallAction(
            requestUri: "/api/v1/secrets", verb: "list", sourceIps: ["81.2.69.142"], userAgent: "kubectl/v1.30.2", statusCode: 200)
        call.remoteIpDetails = Finding.RemoteIpDetails(address: "81.2.69.142")
        var finding = Self.finding(.kubernetes(call))
        try Self.enricher().enrich(&finding)
        #expect(finding.service.action.kubernetesApiCallAction?.remoteIpDetails?.country?.countryCode == "GB")
    }

    @Test func anAddressNoDatabaseKnowsIsLeftAsItWas() throws {
        let action = Finding.NetworkConnectionAction(
            blocked: false, direction: "OUTBOUND", protocolName: "TCP", local: "10.0.0.5", localPort: 40000, remote: "8.8.8.8", remotePort: 53)
        let original = Self.finding(.network(action))
        var finding = original
        try Self.enricher().enrich(&finding)
        #expect(finding == original)
    }
}
