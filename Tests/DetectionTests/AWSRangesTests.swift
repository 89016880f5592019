import Foundation
import Testing
import ThreatLists

@testable import Detection

/// AWS's published ranges: the parser of `ip-ranges.json` (hostile input: errors, never crashes) and the lookup the
/// rules use (`Intelligence.awsRange`).
@Suite("AWS address ranges")
struct AWSRangesTests {
    static let intel = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("intel")

    /// A small file in AWS's format: EC2 and S3 prefixes inside AMAZON umbrellas, an AMAZON-only prefix, an IPv6 EC2 prefix.
    static let sample = """
        {"syncToken":"1","createDate":"2026-08-22-21-17-05","prefixes":[
          {"ip_prefix":"3.80.0.0/12","region":"us-east-1","service":"AMAZON","network_border_group":"us-east-1"},
          {"ip_prefix":"3.80.0.0/12","region":"us-east-1","service":"EC2","network_border_group":"us-east-1"},
          {"ip_prefix":"52.216.0.0/15","region":"us-east-1","service":"AMAZON","network_border_group":"us-east-1"},
          {"ip_prefix":"52.216.0.0/15","region":"us-east-1","service":"S3","network_border_group":"us-east-1"},
          {"ip_prefix":"54.239.16.0/20","region":"us-east-1","service":"AMAZON","network_border_group":"us-east-1"},
          {"ip_prefix":"54.239.0.0/16","region":"GLOBAL","service":"AMAZON","network_border_group":"GLOBAL"}],
         "ipv6_prefixes":[{"ipv6_prefix":"2600:1f18::/33","region":"us-east-1","service":"EC2","network_border_group":"us-east-1"}]}
        """

    static func intelligence(_ json: String = sample) throws -> Intelligence {
        Intelligence(awsRanges: try AWSIPRanges.parse(Array(json.utf8)).prefixes)
    }

    static func address(_ text: String) throws -> IPAddress { try #require(IPAddress.parse(text.utf8)) }

    @Test func theMostSpecificServiceAndPrefixAnswerAndOutsideAddressesAreNil() throws {
        let intelligence = try Self.intelligence()
        #expect(intelligence.awsRange(try Self.address("3.84.1.2")) == AWSRange(service: "EC2", region: "us-east-1"))
        #expect(intelligence.awsRange(try Self.address("52.217.9.9")) == AWSRange(service: "S3", region: "us-east-1"))
        // The /20 of us-east-1 is more specific than the GLOBAL /16 that holds it.
        #expect(intelligence.awsRange(try Self.address("54.239.28.85")) == AWSRange(service: "AMAZON", region: "us-east-1"))
        #expect(intelligence.awsRange(try Self.address("54.239.99.1")) == AWSRange(service: "AMAZON", region: "GLOBAL"))
        #expect(intelligence.awsRange(try Self.address("2600:1f18:4000::1"))?.service == "EC2")
        #expect(intelligence.awsRange(try Self.address("8.8.8.8")) == nil)
        #expect(!intelligence.isInsideAWS(try Self.address("10.0.0.5")))
        #expect(intelligence.isInsideAWS(try Self.address("3.80.0.1")))
    }

    @Test func theAnswerDoesNotDependOnTheOrderOfThePrefixes() throws {
        let prefixes = try AWSIPRanges.parse(Array(Self.sample.utf8)).prefixes
        let forward = Intelligence(awsRanges: prefixes)
        let backward = Intelligence(awsRanges: prefixes.reversed())
        for text in ["3.84.1.2", "52.217.9.9", "54.239.28.85", "54.239.99.1", "2600:1f18::9"] {
            let address = try Self.address(text)
            #expect(forward.awsRange(address) == backward.awsRange(address), "\(text)")
        }
    }

    @Test func theShippedRangesFileParsesAndPlacesKnownAddresses() throws {
        let ranges = try AWSIPRanges.parse(Array(try Data(contentsOf: Self.intel.appendingPathComponent("aws-ip-ranges.json"))))
        #expect(ranges.prefixes.count > 10_000)
        #expect(ranges.prefixes.contains { !$0.network.isV4 })
        let intelligence = Intelligence(awsRanges: ranges.prefixes)
        #expect(intelligence.awsRange(try Self.address("54.210.5.6")) == AWSRange(service: "EC2", region: "us-east-1"))
        #expect(intelligence.awsRange(try Self.address("52.94.1.5"))?.service == "DYNAMODB")
        #expect(intelligence.awsRange(try Self.address("198.51.100.7")) == nil)
    }

    @Test(arguments: [
        ("", "not valid JSON"),
        ("[1,2,3]", "the file"),
        (#"{"syncToken":"1"}"#, #"the key "prefixes" is missing"#),
        (#"{"prefixes":[{"ip_prefix":"3.80.0.0/12","region":"us-east-1"}]}"#, #"prefixes[0]: the key "service" is missing"#),
        (#"{"prefixes":[{"ip_prefix":"3.80.0.0/33","region":"r","service":"EC2"}]}"#, "prefixes[0]: \"3.80.0.0/33\" is not an IPv4 network"),
        (#"{"prefixes":[{"ip_prefix":"2600::/32","region":"r","service":"EC2"}]}"#, "is not an IPv4 network"),
        (#"{"prefixes":[],"ipv6_prefixes":[{"ipv6_prefix":"1.2.3.0/24","region":"r","service":"EC2"}]}"#, "ipv6_prefixes[0]"),
        (#"{"prefixes":[{"ip_prefix":"1.2.3.0/24","region":"r","service":""}]}"#, "the service must be 1 to 64 characters"),
        (#"{"prefixes":[{"ip_prefix":1,"region":"r","service":"EC2"}]}"#, "prefixes[0].ip_prefix"),
        (String(repeating: "[", count: 100_000), "not valid JSON"),
    ])
    func aMalformedFileIsAnErrorThatSaysWhy(_ json: String, _ expected: String) {
        #expect {
            _ = try AWSIPRanges.parse(Array(json.utf8))
        } throws: { error in
            (error as? AWSIPRangesError)?.description.contains(expected) == true
        }
    }

    @Test func aFileOverTheSizeLimitIsRefusedBeforeItIsRead() {
        let bytes = [UInt8](repeating: 32, count: AWSIPRanges.maximumBytes + 1)
        #expect(throws: AWSIPRangesError.self) { _ = try AWSIPRanges.parse(bytes) }
    }
}

/// The shipped country file (`intel/ip-countries.tsv.gz`) that ConsoleLoginSuccess.B reads while the operator's
/// `ip-locations.tsv` is empty.
@Suite("Shipped country file")
struct ShippedCountryFileTests {
    @Test func theCountryFileParsesAndPlacesKnownAddresses() throws {
        let bytes = try LogInput.read(AWSRangesTests.intel.appendingPathComponent("ip-countries.tsv.gz").path)
        let locations = Intelligence.locations(tsv: bytes)
        #expect(locations.count > 800_000)
        let intelligence = Intelligence(locations: locations)
        // ip-location-db's own expected lookups (shared/data/geoip/ip-location-db/expected_lookups.jsonl).
        for (address, country) in [("92.55.146.245", "RO"), ("71.253.251.71", "US"), ("200.58.83.179", "BO"), ("185.220.101.50", "DE")] {
            let remote = try #require(IPAddress.parse(address.utf8))
            #expect(intelligence.location(remote) == country, "\(address)")
        }
        #expect(intelligence.location(try #require(IPAddress.parse("2001:4860:4860::8888".utf8))) != nil)
        #expect(intelligence.location(try #require(IPAddress.parse("10.0.0.5".utf8))) == nil)
    }

    @Test func theByteReaderSkipsCommentsAndBrokenLinesAndTrimsLabels() {
        let text = "# comment\n10.0.0.0/8\t HQ \r\nnot-a-network\tXX\n192.0.2.0/24\t\n2001:db8::/32\tLAB\textra\n\n"
        #expect(Intelligence.locations(tsv: text).map { "\($0.network)=\($0.label)" } == ["10.0.0.0/8=HQ", "2001:db8::/32=LAB"])
    }
}
