import Foundation
import Testing
import ThreatLists

/// Every list format parses to normalised entries; malformed entries are counted with their lines, never fatal.
@Suite("List formats")
struct ListParserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    @Test func plaintextNormalisesAndCountsMistakes() throws {
        let list = ListParser.parse(try self.fixture("sample.txt"), format: .txt, content: .addresses)
        // 205.1.2.3/32 lies inside 205.0.0.0/8 and is folded into it; 198.51.100.7/24 loses its host bits.
        #expect(list.networks.map(\.description) == ["10.0.0.1", "54.20.175.217", "198.51.100.0/24", "205.0.0.0/8", "2001:db8:abcd::/48"])
        #expect(list.hostBitsCleared == 1)
        #expect(list.malformedCount == 2)
        #expect(list.malformedExamples.map(\.line) == [7, 8])
        // Where and why, never what: the file's bytes stay out of anything that leaves the process.
        #expect(list.malformedExamples[0].description == "line 7: is not an IP address or CIDR range")
        #expect(!list.malformedExamples.contains { $0.description.contains("not-an-ip") })
        // A domain in an IP list is left out and counted; an entity list keeps it.
        #expect(list.ignoredCount == 1 && list.domains.isEmpty)
        let entities = ListParser.parse(try self.fixture("sample.txt"), format: .txt, content: .addressesAndDomains)
        #expect(entities.domains == ["evil.example.com"])
    }

    @Test func stix1XMLAddressAndDomainObservables() throws {
        let list = ListParser.parse(try self.fixture("sample-stix1.xml"), format: .stix, content: .addressesAndDomains)
        #expect(list.networks.map(\.description) == ["54.20.175.217", "192.0.2.8", "198.51.100.0/24"])
        #expect(list.domains == ["c2.example.net"])
        #expect(list.malformedCount == 1)
    }

    @Test func otxCSVReadsAddressAndHostIndicators() throws {
        let list = ListParser.parse(try self.fixture("sample-otx.csv"), format: .otxCSV, content: .addressesAndDomains)
        #expect(list.networks.map(\.description) == ["54.20.175.217", "205.0.0.0/8"])
        #expect(list.domains == ["example.org", "www.example.com"])
        #expect(list.ignoredCount == 1 && list.malformedCount == 1)
    }

    @Test func alienVaultReputationFeed() throws {
        let list = ListParser.parse(try self.fixture("sample-alienvault.txt"), format: .alienVault, content: .addresses)
        #expect(list.networks.map(\.description) == ["54.20.175.217", "205.0.0.1"])
        #expect(list.malformedExamples.first?.line == 3)
    }

    @Test func proofpointAndFireEyeCSVsReadTheirAddressColumns() throws {
        let proofpoint = ListParser.parse(try self.fixture("sample-proofpoint.csv"), format: .proofPoint, content: .addresses)
        #expect(proofpoint.networks.map(\.description) == ["54.20.175.217", "205.0.0.1", "2001:db8::7"])
        #expect(proofpoint.malformedCount == 1)
        let fireEye = ListParser.parse(try self.fixture("sample-fireeye.csv"), format: .fireEye, content: .addressesAndDomains)
        #expect(fireEye.networks.map(\.description) == ["54.20.175.217", "205.0.0.0/8"])
        #expect(fireEye.domains == ["bad.example.net"])
    }

    @Test func stix2PatternsIncludingCompoundOnes() {
        let values = ListParser.patternValues(
            "[domain-name:value = 'www.x.com' OR ipv4-addr:value = '113.10.246.30'] AND [ipv6-addr:value ISSUBSET '2001:db8::/32']")
        #expect(values == ["www.x.com", "113.10.246.30", "2001:db8::/32"])
        let bundle =
            #"{"type":"bundle","objects":[{"type":"indicator","pattern":"[ipv4-addr:value = '203.0.113.9']"},{"type":"ipv4-addr","value":"198.51.100.3"},{"type":"indicator","pattern":"[file:hashes.MD5 = 'abc']"}]}"#
        let list = ListParser.parse(Array(bundle.utf8), format: .stix, content: .addresses)
        #expect(list.networks.map(\.description) == ["198.51.100.3", "203.0.113.9"])
        #expect(list.ignoredCount == 1)
        let broken = ListParser.parse(Array("{not json".utf8), format: .stix, content: .addresses)
        #expect(broken.entryCount == 0 && broken.malformedCount == 1)
    }

    @Test func bytesThatAreNotTextAreCountedNotFatal() {
        var garbage: [UInt8] = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        garbage += Array("\n1.2.3.4\n".utf8)
        for format in ListFormat.allCases {
            let list = ListParser.parse(garbage, format: format, content: .addressesAndDomains)
            #expect(list.entryCount <= 2, "\(format)")
        }
    }
}

/// The real lists in ../shared/data, when they are there.
@Suite("Real lists", .enabled(if: FileManager.default.fileExists(atPath: RealLists.root.path)))
struct RealListTests {
    @Test func ipsumHasOneHundredTwentyThousandAddresses() throws {
        let list = ListParser.parse(try RealLists.bytes("ipsum/ipsum.txt"), format: .txt, content: .addresses)
        #expect(list.networks.count == 120_430)
        #expect(list.malformedCount == 0)
        #expect(list.networks.contains(IPNetwork.parse("185.220.101.50")!))
    }

    @Test func fireholLevel1ParsesEveryLine() throws {
        let list = ListParser.parse(try RealLists.bytes("firehol/firehol_level1.netset"), format: .txt, content: .addresses)
        #expect(list.malformedCount == 0)
        #expect(list.networks.contains(IPNetwork.parse("10.0.0.0/8")!))
        #expect(list.networks.count > 2_000 && list.networks.count <= 2_892)
    }

    @Test func stixExamplesYieldTheirIndicators() throws {
        let apt1 = ListParser.parse(try RealLists.bytes("stix2-examples/apt1.json"), format: .stix, content: .addressesAndDomains)
        #expect(apt1.networks.contains(IPNetwork.parse("223.166.0.0/15")!))
        let ivy = ListParser.parse(try RealLists.bytes("stix2-examples/poisonivy.json"), format: .stix, content: .addressesAndDomains)
        #expect(ivy.networks.contains(IPNetwork.parse("219.76.208.163")!))
        #expect(ivy.networks.contains(IPNetwork.parse("113.10.246.30")!))
        #expect(ivy.domains.contains("www.webserver.dynssl.com"))
        let c2 = ListParser.parse(try RealLists.bytes("stix2-examples/indicator-for-c2-ip-address.json"), format: .stix, content: .addresses)
        #expect(c2.networks == [IPNetwork.parse("10.0.0.0")!])
    }
}

enum RealLists {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: self.root.appendingPathComponent(path)))
    }
}
