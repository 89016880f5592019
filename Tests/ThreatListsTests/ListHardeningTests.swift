import Foundation
import Testing
import ThreatLists

/// List files written by an attacker: every parser reads them in one pass (time grows with size only), stops at its
/// time budget, and reports problems with line numbers and its own words, never with the file's bytes.
@Suite("List parsers under hostile input")
struct ListHardeningTests {
    /// 2 MB of `<Value ` (the 112 KB version took 88 s with the old regular expression): every tag is broken, so the
    /// file has no entry and one malformed value element per tag.
    @Test func stix1RunOfUnclosedValueTagsIsMalformedNotSlow() {
        let tag = Array("<Value ".utf8)
        let count = 2_000_000 / tag.count
        let data = Array((0..<count).map { _ in tag }.joined())
        let list = ListParser.parse(data, format: .stix, content: .addressesAndDomains, timeBudget: nil)
        #expect(list.entryCount == 0)
        #expect(list.malformedCount == count)
        #expect(list.failure == nil)
        #expect(list.malformedExamples.first?.reason == "is a value element whose tag is not closed")
    }

    /// The same attack with address elements and attribute quotes that never close: each tag ends at the next '<' (XML
    /// allows none in a tag), so nothing is rescanned and every broken tag is counted.
    @Test func stix1UnterminatedAttributesAndQuotesEndAtTheNextTag() {
        var text = #"<stix:STIX_Package><AddressObj:Address_Value condition="Equals">203.0.113.9</AddressObj:Address_Value>"#
        text += String(repeating: #"<AddressObj:Address_Value a=""#, count: 20_000)
        let list = ListParser.parse(Array(text.utf8), format: .stix, content: .addresses, timeBudget: nil)
        #expect(list.networks.map(\.description) == ["203.0.113.9"])
        #expect(list.malformedCount == 20_000)
        var broken = #"<DomainNameObj:Value>"#
        broken += String(repeating: "<Value <Value", count: 30_000)
        let second = ListParser.parse(Array(broken.utf8), format: .stix, content: .addressesAndDomains, timeBudget: nil)
        #expect(second.entryCount == 0)
        #expect(second.malformedCount == 60_000)
    }

    /// What the streaming reader keeps from the regular expression it replaces, and what it reads better: comments
    /// are not data, CDATA is text, entities are decoded, the line of each entry is its start tag's.
    @Test func stix1ReaderHandlesCommentsCDATAAndEntities() {
        let text = """
            <?xml version="1.0"?>
            <stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1">
            <!-- <AddressObj:Address_Value>192.0.2.1</AddressObj:Address_Value> -->
            <cybox:Properties xsi:type="DomainNameObj:DomainNameObjectType">
              <DomainNameObj:Value condition="Equals" note="a > b">Evil.Example.COM##comma##second.example.net</DomainNameObj:Value>
            </cybox:Properties>
            <AddressObj:Address_Value><![CDATA[198.51.100.0/24]]></AddressObj:Address_Value>
            <AddressObj:Address_Value>203.0.113.7&#x2F;32</AddressObj:Address_Value>
            <cybox:Properties><Other:Value>not-a-domain-object.example</Other:Value></cybox:Properties>
            <AddressObj:Address_Value>bogus</AddressObj:Address_Value>
            </stix:STIX_Package>
            """
        let list = ListParser.parse(Array(text.utf8), format: .stix, content: .addressesAndDomains)
        #expect(list.networks.map(\.description) == ["198.51.100.0/24", "203.0.113.7"])
        #expect(list.domains == ["evil.example.com", "second.example.net"])
        #expect(list.malformedExamples.map(\.line) == [10])
    }

    /// STIX 2.x patterns: a literal that never closes ends the pattern (one pass, no rescanning), escaped quotes
    /// are part of the value.
    @Test func stix2PatternsAreReadInOnePass() {
        #expect(ListParser.patternValues(#"[domain-name:value = 'it\'s.example.com']"#) == ["it's.example.com"])
        let unclosed = "[ipv4-addr:value = '" + String(repeating: #"domain-name:value = \'"#, count: 50_000)
        #expect(ListParser.patternValues(unclosed).count == 0)
        #expect(ListParser.patternValues("[ipv4-addr:value = '1.2.3.4' OR ipv6-addr:value IN '2001:db8::1']") == ["1.2.3.4", "2001:db8::1"])
    }

    /// A parse that runs past its time budget stops: no entries (half a list is not the list), counted as malformed
    /// and named as a failure with the line it reached.
    @Test func parseThatExceedsItsTimeBudgetFailsWithoutContent() {
        let data = Array((0..<400_000).map { "10.\($0 >> 16 & 255).\($0 >> 8 & 255).\($0 & 255)\n" }.joined().utf8)
        let list = ListParser.parse(data, format: .txt, content: .addresses, timeBudget: .zero)
        #expect(list.entryCount == 0)
        let failure = try? #require(list.failure)
        #expect(failure?.hasPrefix("parsing exceeded its time budget of 0 s after line ") == true)
        #expect(list.malformedCount == 1)
        #expect(list.malformedExamples.last?.reason == failure)
        let unbounded = ListParser.parse(data, format: .txt, content: .addresses, timeBudget: nil)
        #expect(unbounded.entryCount == 400_000 && unbounded.failure == nil)
    }

    /// Malformed entries of every format say where and why, in the parser's words: nothing of the file in them.
    @Test func malformedReasonsCarryNoFileContent() {
        let secret = "SECRET-TOKEN-from-an-internal-service"
        let files: [(ListFormat, String)] = [
            (.txt, "\(secret)\n"), (.alienVault, "\(secret)#4#2#x\n"), (.otxCSV, "Indicator type,Indicator\nIPv4,\(secret)\n"),
            (.proofPoint, "ip,category\n\(secret),1\n"), (.fireEye, "ip\n\(secret)\n"),
            (.stix, "<AddressObj:Address_Value>\(secret)</AddressObj:Address_Value>"), (.stix, "\(secret)"),
        ]
        for (format, text) in files {
            let list = ListParser.parse(Array(text.utf8), format: format, content: .addressesAndDomains)
            #expect(list.malformedCount == 1, "\(format)")
            #expect(list.malformedExamples.allSatisfy { !$0.description.contains("SECRET") && !$0.reason.contains("SECRET") }, "\(format)")
        }
    }

    /// The list formats are linear: 4 MB of each format's worst line shape parses (entries counted, nothing lost).
    @Test func everyFormatReadsLargeFilesOfOddLines() {
        let line = "1.2.3.4," + String(repeating: "\"", count: 1_000) + "\n"
        let data = Array(String(repeating: line, count: 4_000).utf8)
        for format in ListFormat.allCases where format != .stix {
            let list = ListParser.parse(data, format: format, content: .addresses, timeBudget: nil)
            #expect(list.failure == nil, "\(format)")
            #expect(list.malformedCount + list.ignoredCount + list.entryCount > 0, "\(format)")
        }
    }
}
