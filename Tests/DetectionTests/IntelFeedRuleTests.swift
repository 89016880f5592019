import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// What hits on managed feeds raise: non-Custom types that cite the feed; and the look-alikes that must not fire.
@Suite("Managed intelligence feeds in detection")
struct IntelFeedRuleTests {
    static func feed(_ name: String, _ kind: FeedKind, _ text: String) -> IntelFeed {
        IntelFeed(name: name, kind: kind, list: FeedParser.parse(Array(text.utf8), format: .plain))
    }

    static let feeds = [
        feed("feodo", .c2IP, "45.9.20.10\n"), feed("tor", .torExit, "185.220.101.50\n"), feed("phish-ips", .maliciousIP, "45.9.20.20\n"),
        feed("phish", .phishingDomain, "login-verify.example\n"), feed("pools", .miningDomain, "pool.example\n45.9.20.30\n"),
    ]

    static func engine() -> DetectionEngine {
        let intelligence = Intelligence(
            addressSources: Self.feeds.flatMap(\.addressSources), domainSources: Self.feeds.flatMap(\.domainSources), places: Places())
        return DetectionEngine(intelligence: intelligence, accountId: "123456789012", detectorId: "d")
    }

    static func flows(_ lines: [String]) -> [Finding] {
        let engine = Self.engine()
        var parser = FlowLogParser(names: engine.names)
        parser.parse(Array(lines.joined(separator: "\n").utf8)) { engine.process($0) }
        return engine.findings()
    }

    static func source(_ finding: Finding) -> String? { finding.service.evidence?.threatIntelligenceDetails.first?.threatListName }

    @Test func anInstanceConnectingToACommandAndControlServerIsBackdoorCCActivityB() throws {
        let findings = Self.flows([flowLine("10.0.0.5", "45.9.20.10", 45_000, 443, start: 1_700_000_000)])
        let finding = try #require(findings.first { $0.type == "Backdoor:EC2/C&CActivity.B" })
        #expect(finding.severity == 8 && Self.source(finding) == "feodo")
        #expect(finding.service.additionalInfo?.value.contains(#""threatListName":"feodo""#) == true)
    }

    @Test func aCommandAndControlAddressReachingAPublicServiceIsNotCCActivity() {
        // The C&C server connects to the instance's web server: the instance is not the bot.
        let findings = Self.flows([flowLine("45.9.20.10", "10.0.0.5", 51_000, 443, start: 1_700_000_000)])
        #expect(!findings.contains { $0.type == "Backdoor:EC2/C&CActivity.B" })
    }

    @Test func miningFeedAddressesAndTorFeedsCiteTheirFeed() throws {
        let findings = Self.flows([
            flowLine("10.0.0.5", "45.9.20.30", 45_001, 3333, start: 1_700_000_000),
            flowLine("10.0.0.5", "185.220.101.50", 45_002, 9001, start: 1_700_000_010),
        ])
        #expect(Self.source(try #require(findings.first { $0.type == "CryptoCurrency:EC2/BitcoinTool.B" })) == "pools")
        #expect(Self.source(try #require(findings.first { $0.type == "UnauthorizedAccess:EC2/TorClient" })) == "tor")
    }

    @Test func anAPICallFromAMaliciousOrC2AddressIsMaliciousIPCallerNotCustom() throws {
        func call(_ name: String, from ip: String) -> String {
            APIBaselineTests.event(name, hour: 0).replacingOccurrences(of: #""sourceIPAddress":"198.18.0.1""#, with: #""sourceIPAddress":"\#(ip)""#)
        }
        let engine = Self.engine()
        var parser = CloudTrailParser()
        parser.parse(Array([call("ListUsers", from: "45.9.20.20"), call("CreateUser", from: "45.9.20.10")].joined(separator: "\n").utf8)) {
            engine.process($0)
        }
        let findings = engine.findings()
        #expect(Self.source(try #require(findings.first { $0.type == "Recon:IAMUser/MaliciousIPCaller" })) == "phish-ips")
        #expect(Self.source(try #require(findings.first { $0.type == "UnauthorizedAccess:IAMUser/MaliciousIPCaller" })) == "feodo")
        #expect(!findings.contains { $0.type.hasSuffix(".Custom") })
    }

    @Test func domainFeedsRaiseTheirKindsTypeAndOrdinaryNamesDoNot() throws {
        let engine = Self.engine()
        var parser = DNSLogParser()
        let lines = ["www.login-verify.example.", "pool.example.", "example.com.", "verify.example."].map { DNSRuleTests().query($0) }
        parser.parse(Array(lines.joined(separator: "\n").utf8)) { engine.process($0) }
        let findings = engine.findings()
        #expect(Self.source(try #require(findings.first { $0.type == "Trojan:EC2/PhishingDomainRequest!DNS" })) == "phish")
        #expect(Self.source(try #require(findings.first { $0.type == "CryptoCurrency:EC2/BitcoinTool.B!DNS" })) == "pools")
        #expect(findings.count == 2)
    }
}
