import Foundation
import Testing
import ThreatLists

/// Feed formats on the real feed files of ../shared/data/intel-feeds, and when a new version replaces the one in force.
@Suite("Intelligence feeds")
struct FeedParserTests {
    static let feeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/data/intel-feeds")

    static func feed(_ path: String) throws -> [UInt8] {
        let url = Self.feeds.appendingPathComponent(path)
        try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) is not here")
        return Array(try Data(contentsOf: url))
    }

    @Test func fireHOLIpsetsReadWithTheirCommentHeaders() throws {
        let tor = FeedParser.parse(try Self.feed("firehol-ipsets/tor_exits.ipset"), format: FeedFormat(name: "firehol")!)
        // The header says "Entries: 1370 unique IPs".
        #expect(tor.networks.count == 1370 && tor.domains.isEmpty && tor.malformedCount == 0)
        #expect(FeedFormat.guess(try Self.feed("firehol-ipsets/tor_exits.ipset")) == .plain)
    }

    @Test func aPlainListWithoutATrailingNewlineKeepsItsLastLine() throws {
        let bytes = try Self.feed("threatfox/ips.txt")
        #expect(bytes.last != 10)
        let parsed = FeedParser.parse(bytes, format: .plain)
        #expect(parsed.networks.count == 19_863 && parsed.malformedCount == 0)
    }

    @Test func hostsFilesGiveTheirNamesNotTheSinkAddress() throws {
        let bytes = try Self.feed("urlhaus/urlhaus-filter-hosts.txt")
        #expect(FeedFormat.guess(bytes) == .hosts)
        let parsed = FeedParser.parse(bytes, format: .hosts)
        #expect(parsed.domains.contains("05webinvite.com"))
        #expect(!parsed.networks.contains { $0.description.hasPrefix("0.0.0.0") })
        #expect(parsed.entryCount > 2_000 && parsed.malformedCount == 0)
        let inline = FeedParser.parse(Array("127.0.0.1 localhost\n0.0.0.0 a.example b.example # two\n::1 ip6-localhost\n".utf8), format: .hosts)
        #expect(inline.domains.sorted() == ["a.example", "b.example"] && inline.networks.isEmpty)
        let nocoin = FeedParser.parse(try Self.feed("crypto-mining/nocoin-hosts.txt"), format: .hosts)
        #expect(nocoin.domains.count > 300)
    }

    @Test func domainListsAndMixedListsKeepBothKinds() throws {
        let mining = FeedParser.parse(try Self.feed("crypto-mining/blocklistproject-crypto-nl.txt"), format: .plain)
        #expect(mining.domains.contains("2miners.com") && mining.networks.isEmpty)
        let phishing = FeedParser.parse(try Self.feed("phishing/phishing-domains-NEW-today.2025-09-30.txt"), format: .plain)
        #expect(phishing.domains.contains("2cm.es"))
        // URLhaus's "domains" list mixes names and bare addresses: both are entries.
        let urlhaus = FeedParser.parse(try Self.feed("urlhaus/urlhaus-filter-domains-online.txt"), format: .plain)
        #expect(urlhaus.domains.count > 500 && urlhaus.networks.count > 2_000)
    }

    @Test func publicSuffixesAreLeftOutOfFeeds() throws {
        let parsed = FeedParser.parse(Array("co.uk\ngithub.io\nexample.org\nevil.github.io\nwww.ck\nfoo.ck\n".utf8), format: .plain)
        // www.ck is an exception to the *.ck wildcard: a registrable name.
        #expect(parsed.domains == ["evil.github.io", "example.org", "www.ck"] && parsed.ignoredCount == 3)
        // URLhaus's hosts file lists a storage region under which every customer's bucket is a site of its own.
        let urlhaus = FeedParser.parse(try Self.feed("urlhaus/urlhaus-filter-hosts.txt"), format: .hosts)
        #expect(!urlhaus.domains.contains("ams1.vultrobjects.com") && urlhaus.ignoredCount == 1)
        #expect(PublicSuffixes.embedded.contains("co.uk") && !PublicSuffixes.embedded.contains("bbc.co.uk"))
    }

    @Test func formatNamesAreReadAsOperatorsWriteThem() {
        #expect(FeedFormat(name: "FireHOL") == .plain && FeedFormat(name: "TXT") == .plain && FeedFormat(name: "hosts") == .hosts)
        #expect(FeedFormat(name: "stix") == .list(.stix) && FeedFormat(name: "csv") == nil)
    }

    @Test func aNewVersionIsJudgedAgainstTheOneInForce() {
        func parsed(_ text: String) -> ParsedList { FeedParser.parse(Array(text.utf8), format: .plain) }
        let hundred = parsed((1...100).map { "203.0.113.\($0)" }.joined(separator: "\n"))
        #expect(FeedJudgement.judge(hundred, previousCount: nil) == .accept)
        #expect(FeedJudgement.judge(hundred, previousCount: 150) == .accept)
        let forty = parsed((1...40).map { "203.0.113.\($0)" }.joined(separator: "\n"))
        guard case .keepPrevious(let reason) = FeedJudgement.judge(forty, previousCount: 100) else {
            Issue.record("a shrink from 100 to 40 entries was accepted")
            return
        }
        #expect(reason.contains("less than half"))
        #expect(FeedJudgement.judge(forty, previousCount: 100, allowShrink: true) == .accept)
        let html = parsed(String(repeating: "<html><body>Rate limited, try again</body></html>\n", count: 20) + "203.0.113.9\n")
        guard case .keepPrevious(let why) = FeedJudgement.judge(html, previousCount: nil) else {
            Issue.record("an HTML error page was accepted as a feed")
            return
        }
        #expect(why.contains("mostly not") && !why.contains("Rate limited"))
        guard case .keepPrevious = FeedJudgement.judge(parsed("# only a header\n"), previousCount: 10) else {
            Issue.record("an empty version was accepted")
            return
        }
    }

    @Test func everyKindMapsToGuardDutyTypesThatAreNotCustom() {
        for kind in FeedKind.allCases {
            #expect(!kind.findingTypes.isEmpty)
            #expect(kind.findingTypes.allSatisfy { !$0.rawValue.hasSuffix(".Custom") })
        }
        #expect(FeedKind.c2IP.findingTypes.map(\.rawValue).contains("Backdoor:EC2/C&CActivity.B"))
        #expect(FeedKind.phishingDomain.domainFindingType?.rawValue == "Trojan:EC2/PhishingDomainRequest!DNS")
    }
}
