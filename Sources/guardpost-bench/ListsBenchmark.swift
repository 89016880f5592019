import ArgumentParser
import Foundation
import ThreatLists

/// Lookups per second of `IPMatcher` against a sorted-range binary search over the same ranges, build time and
/// table size, IPv6 lookups, and the parse throughput of every list format.
struct ListsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lists", abstract: "Benchmark list parsing and IP matching.")

    @Option(help: "Directory with ipsum/ipsum.txt and firehol/firehol_level1.netset (../shared/data).") var data: String = "../shared/data"
    @Option(help: "Total IPv4 entries (real lists topped up with synthetic CIDRs of mixed lengths).") var entries: Int = 250_000
    @Option(help: "Lookups per measurement.") var lookups: Int = 50_000_000

    func run() throws {
        var generator = Xorshift(seed: 0x5EED)
        // Real lists first.
        let ipsum = ListParser.parse(try Self.read("\(self.data)/ipsum/ipsum.txt"), format: .txt, content: .addresses).networks
        let firehol = ListParser.parse(try Self.read("\(self.data)/firehol/firehol_level1.netset"), format: .txt, content: .addresses).networks
        var synthetic: [IPNetwork] = []
        // Threat feeds are mostly single hosts and /24s, with a few wider blocks.
        let lengths: [UInt8] = [32, 32, 32, 32, 32, 32, 32, 32, 30, 29, 28, 27, 26, 25, 24, 24, 24, 24, 22, 20]
        while ipsum.count + firehol.count + synthetic.count < self.entries {
            synthetic.append(
                IPNetwork(v4: UInt32(truncatingIfNeeded: generator.next()), prefix: lengths[Int(generator.next() % UInt64(lengths.count))]))
        }
        let lists = [ipsum, firehol, synthetic]
        let total = lists.reduce(0) { $0 + $1.count }

        let rssBefore = Self.residentBytes()
        let buildStart = DispatchTime.now().uptimeNanoseconds
        let matcher = IPMatcher(lists: lists)
        let buildMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e6
        let rssAfter = Self.residentBytes()
        print(
            String(
                format:
                    "ipv4 matcher: %d entries in 3 lists (ipsum %d, firehol %d, synthetic %d); build %.1f ms; tables %.1f MB; resident growth %.1f MB",
                total, ipsum.count, firehol.count, synthetic.count, buildMilliseconds, Double(matcher.tableBytes) / 1e6,
                Double(rssAfter - rssBefore) / 1e6))

        // Baseline: one sorted array of disjoint ranges, binary search over all of them.
        let baseline = SortedRanges(lists: lists)
        // 1M uniformly random addresses, drawn beforehand and cycled, so that the loop measures lookups, not the generator.
        let probes = self.lookups
        var seed = Xorshift(seed: 42)
        let addresses = (0..<(1 << 20)).map { _ in seed.next32() }
        let rounds = max(1, probes / addresses.count)
        let lookupsDone = Double(rounds * addresses.count)
        var start = DispatchTime.now().uptimeNanoseconds
        let matcherHits = Self.matcherLoop(matcher, addresses, rounds: rounds)
        let matcherRate = lookupsDone / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        start = DispatchTime.now().uptimeNanoseconds
        let baselineHits = Self.baselineLoop(baseline, addresses, rounds: rounds)
        let baselineRate = lookupsDone / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        print(
            String(
                format:
                    "ipv4 uniformly random lookups, one thread: IPMatcher %.1f M/s (hits %d), sorted-range binary search %.1f M/s (hits %d), ratio %.1fx",
                matcherRate / 1e6, matcherHits, baselineRate / 1e6, baselineHits, matcherRate / baselineRate))

        // IPv6: 50,000 synthetic networks.
        var v6: [IPNetwork] = []
        for _ in 0..<50_000 {
            let address = UInt128(0x2000) << 112 | UInt128(generator.next()) << 64 | UInt128(generator.next())
            v6.append(IPNetwork(v6: address, prefix: [32, 48, 56, 64, 128][Int(generator.next() % 5)]))
        }
        let v6Matcher = IPMatcher(lists: [v6])
        seed = Xorshift(seed: 7)
        let (v6Rate, v6Hits) = Self.measure(probes / 5) {
            UInt128(0x2000) << 112 | UInt128(seed.next() & 0x0000_FFFF_FFFF_FFFF) << 64 | UInt128(seed.next())
        } lookup: {
            v6Matcher.answer(v6: $0)
        }
        print(String(format: "ipv6 random lookups against 50,000 networks: %.1f M/s (hits %d)", v6Rate / 1e6, v6Hits))

        // Parse throughput of every format on generated files of ~20 MB.
        for format in ListFormat.allCases {
            let bytes = Self.sample(format, approximateBytes: 20_000_000, generator: &generator)
            let start = DispatchTime.now().uptimeNanoseconds
            let parsed = ListParser.parse(bytes, format: format, content: .addressesAndDomains)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(
                String(
                    format: "parse %@: %.1f MB in %.2f s = %.1f MB/s (%d entries, %d malformed)",
                    format.rawValue, Double(bytes.count) / 1e6, seconds, Double(bytes.count) / 1e6 / seconds, parsed.entryCount, parsed.malformedCount
                ))
        }
    }

    /// The same loop for both: independent lookups, hits counted without a branch.
    @inline(never)
    static func matcherLoop(_ matcher: IPMatcher, _ addresses: [UInt32], rounds: Int) -> Int {
        var hits = 0
        for _ in 0..<rounds {
            for address in addresses { hits &+= matcher.answer(v4: address) == 0 ? 0 : 1 }
        }
        return hits
    }

    @inline(never)
    static func baselineLoop(_ baseline: SortedRanges, _ addresses: [UInt32], rounds: Int) -> Int {
        var hits = 0
        for _ in 0..<rounds {
            for address in addresses { hits &+= baseline.answer(address) == 0 ? 0 : 1 }
        }
        return hits
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path) (pass --data)") }
        return Array(data)
    }

    /// Lookups per second and the number of hits, so the work cannot be optimised away.
    @inline(never)
    static func measure<Address>(_ count: Int, next: () -> Address, lookup: (Address) -> UInt32) -> (Double, Int) {
        var hits = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count where lookup(next()) != 0 { hits += 1 }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (Double(count) / seconds, hits)
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    /// A synthetic file in the format, about `approximateBytes` long.
    static func sample(_ format: ListFormat, approximateBytes: Int, generator: inout Xorshift) -> [UInt8] {
        var text = ""
        text.reserveCapacity(approximateBytes + 1000)
        func ip() -> String {
            let v = generator.next32()
            return "\(v >> 24).\((v >> 16) & 255).\((v >> 8) & 255).\(v & 255)"
        }
        switch format {
        case .txt: text += "# generated\n"
        case .stix: text += #"{"type":"bundle","id":"bundle--1","objects":["#
        case .otxCSV: text += "Indicator type,Indicator,Description\n"
        case .alienVault: break
        case .proofPoint: text += "ip,category,score,first_seen,last_seen,ports (|)\n"
        case .fireEye: text += "reportId,title,ip,cidr,domain,observationTime\n"
        }
        var first = true
        while text.utf8.count < approximateBytes {
            switch format {
            case .txt: text += "\(ip())\n"
            case .stix:
                text +=
                    (first ? "" : ",")
                    + #"{"type":"indicator","spec_version":"2.1","pattern_type":"stix","pattern":"[ipv4-addr:value = '\#(ip())']"}"#
            case .otxCSV: text += "IPv4,\(ip()),generated\n"
            case .alienVault: text += "\(ip())#4#2#Malicious Host#US#Ashburn#39.04,-77.48#11\n"
            case .proofPoint: text += "\(ip()),1,100,2020-01-01,2020-01-02,\n"
            case .fireEye: text += "01-1,Example,\(ip()),,,1494944400\n"
            }
            first = false
        }
        if format == .stix { text += "]}" }
        return Array(text.utf8)
    }
}
