import Testing
import ThreatLists

/// Addresses, networks and the matchers.
@Suite("Matchers")
struct MatcherTests {
    @Test func addressesParseAndPrintCanonically() {
        #expect(IPNetwork.parse("1.2.3.4")?.description == "1.2.3.4")
        #expect(IPNetwork.parse("1.2.3.4/16")?.description == "1.2.0.0/16")
        #expect(IPNetwork.parse("0.0.0.0/0")?.description == "0.0.0.0/0")
        #expect(IPNetwork.parse("2001:DB8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")
        #expect(IPNetwork.parse("::ffff:192.0.2.1")?.description == "::ffff:c000:201")
        #expect(IPNetwork.parse("::")?.description == "::")
        #expect(IPNetwork.parse("fe80::/10")?.description == "fe80::/10")
        for bad in ["1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.4/33", "::1::", "2001:db8::/129", "12345::", "1.2.3.4/", "", "a.b.c.d"] {
            #expect(IPNetwork.parse(bad) == nil, "\(bad)")
        }
        #expect(IPNetwork.parse("10.1.2.3")!.isBogon && IPNetwork.parse("192.168.1.1")!.isBogon && !IPNetwork.parse("8.8.8.8")!.isBogon)
    }

    @Test func ipMatcherAgreesWithABruteForceScan() {
        var generator = SplitMix(seed: 42)
        let lists: [[IPNetwork]] = (0..<4).map { _ in
            (0..<500).map { _ in
                let prefix = UInt8([8, 12, 16, 20, 24, 28, 30, 32, 32, 32][Int(generator.next() % 10)])
                return IPNetwork(v4: UInt32(truncatingIfNeeded: generator.next()), prefix: prefix)
            }
        }
        let matcher = IPMatcher(lists: lists)
        for _ in 0..<20_000 {
            let address = UInt32(truncatingIfNeeded: generator.next())
            let probe = IPNetwork(v4: address)
            let expected = lists.indices.filter { index in lists[index].contains { $0.contains(probe) } }
            #expect(matcher.lists(containing: probe) == expected)
        }
        // The batched lookup answers as the single one does.
        let addresses = (0..<5_000).map { _ in UInt32(truncatingIfNeeded: generator.next()) }
        var batched = [UInt32](repeating: 7, count: addresses.count)
        addresses.withUnsafeBufferPointer { input in batched.withUnsafeMutableBufferPointer { matcher.answers(v4: input, into: $0) } }
        #expect(batched == addresses.map { matcher.answer(v4: $0) })
        #expect(batched.contains { $0 != 0 })
        // Edges: the first and last address of every network.
        for (index, list) in lists.enumerated() {
            for network in list.prefix(100) {
                let range = network.v4Range!
                #expect(matcher.lists(containing: IPNetwork(v4: range.lowerBound)).contains(index))
                #expect(matcher.lists(containing: IPNetwork(v4: range.upperBound)).contains(index))
            }
        }
    }

    @Test func ipMatcherCoversTheWholeSpaceAndIPv6() {
        let matcher = IPMatcher(lists: [[IPNetwork.parse("0.0.0.0/0")!], [IPNetwork.parse("255.255.255.255")!, IPNetwork.parse("2001:db8::/32")!]])
        #expect(matcher.lists(containing: IPNetwork.parse("0.0.0.0")!) == [0])
        #expect(matcher.lists(containing: IPNetwork.parse("255.255.255.255")!) == [0, 1])
        #expect(matcher.lists(containing: IPNetwork.parse("2001:db8:1::5")!) == [1])
        #expect(matcher.lists(containing: IPNetwork.parse("2001:db9::")!) == [])
        #expect(IPMatcher(lists: []).lists(containing: IPNetwork.parse("1.1.1.1")!) == [])
    }

    @Test func domainMatcherMatchesParentsCaseInsensitively() {
        let matcher = DomainMatcher(lists: [["example.com", "Bad.Example.NET."], ["mining.pool.org"]])
        #expect(matcher.lists(matching: "www.EXAMPLE.com.") == [0])
        #expect(matcher.lists(matching: "bad.example.net") == [0])
        #expect(matcher.lists(matching: "xmr.eu.mining.pool.org") == [1])
        #expect(matcher.lists(matching: "badexample.com") == [])
        #expect(matcher.lists(matching: "pool.org") == [])
    }

    /// Thousands of domains in two overlapping lists: each domain and its subdomains answer with exactly its lists
    /// (most specific first), names that only share a suffix with one do not.
    @Test func domainMatcherOverThousandsOfDomains() {
        var random = SplitMix(seed: 11)
        let domains = (0..<5_000).map { index in "d\(index)-\(random.next() % 100_000).example\(index % 7).com" }
        let matcher = DomainMatcher(lists: [domains, Array(domains.prefix(1_000)) + ["example3.com"]])
        for (index, domain) in domains.enumerated() {
            let expected = index < 1_000 ? [0, 1] : domain.hasSuffix("example3.com") ? [0, 1] : [0]
            #expect(matcher.lists(matching: domain) == expected)
            #expect(matcher.lists(matching: "A.B.\(domain.uppercased()).") == expected)
            #expect(matcher.lists(matching: "x\(domain)") == (domain.hasSuffix("example3.com") ? [1] : []))
        }
        #expect(matcher.lists(matching: "www.example3.com") == [1])
        #expect(matcher.lists(matching: "") == [])
        #expect(matcher.lists(matching: ".") == [])
    }
}

/// A small deterministic generator for tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
