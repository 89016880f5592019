import Foundation
import PrecisionCorpus
import Testing

extension PrecisionCorpusSuites {
    /// The generator: deterministic per seed, every injected attack in the files, the benign classes present as AWS
    /// writes them.
    @Suite("Precision corpus generator")
    struct CorpusGeneratorTests {
        /// One small corpus shared by the tests that read it, at a fixed place (the test process cannot remove it after the
        /// last reader: the next run replaces it, so at most one is left behind).
        static let small: (directory: URL, truth: CorpusTruth) = {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("precision-corpus-generator")
            try? FileManager.default.removeItem(at: directory)
            let truth = try! CorpusGenerator(seed: 11, density: 0.03, intelDirectory: CorpusScan.shippedIntel).write(to: directory)
            return (directory, truth)
        }()

        /// Makes `small` off Swift's cooperative pool (see `CorpusScan.offPool`); every test that reads it calls this first.
        static func warm() async throws {
            _ = try await CorpusScan.offPool { Self.small.truth }
        }

        /// Every file under `folder` of a corpus, by relative path, with its text.
        static func contents(_ directory: URL, _ folder: String = "") -> [String: String] {
            let root = directory.appendingPathComponent(folder)
            let paths = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String]) ?? []
            var files: [String: String] = [:]
            for path in paths {
                if let text = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) { files[path] = text }
            }
            return files
        }

        /// All lines of a data source's files.
        static func lines(_ folder: String) -> [Substring] {
            Self.contents(Self.small.directory, folder).sorted { $0.key < $1.key }.flatMap { $0.value.split(separator: "\n") }
        }

        @Test func theSameSeedWritesTheSameFilesAndAnotherSeedOtherFiles() async throws {
            let first = CorpusScan.temporaryDirectory("seed-a")
            let second = CorpusScan.temporaryDirectory("seed-b")
            let third = CorpusScan.temporaryDirectory("seed-c")
            defer { for directory in [first, second, third] { try? FileManager.default.removeItem(at: directory) } }
            let (truth, again) = try await CorpusScan.offPool {
                try (
                    CorpusGenerator(seed: 7, days: 2, density: 0.01).write(to: first),
                    CorpusGenerator(seed: 7, days: 2, density: 0.01).write(to: second)
                )
            }
            #expect(again == truth)
            let written = Self.contents(first)
            #expect(written.count > 50)
            #expect(Self.contents(second) == written)
            _ = try await CorpusScan.offPool { try CorpusGenerator(seed: 8, days: 2, density: 0.01).write(to: third) }
            #expect(Self.contents(third) != written)
        }

        @Test func everyInjectedAttackHasItsRecordsInTheFilesOnTheLastDay() async throws {
            try await Self.warm()
            let truth = Self.small.truth
            #expect(truth.attacks.count == 16)
            let all = Self.lines("flow") + Self.lines("dns") + Self.lines("cloudtrail")
            let lastDay = truth.start + Int64(truth.days - 1) * 86400
            for attack in truth.attacks {
                let resources = [attack.interfaceId, attack.instanceId, attack.accessKeyId, attack.userName].compactMap { $0 }
                let evidence = all.filter { line in line.contains(attack.indicator) && resources.contains { line.contains($0) } }
                #expect(!evidence.isEmpty, "no records of \(attack.name)")
                #expect(attack.start >= lastDay - 3600 && attack.end < lastDay + 86400 + 4 * 3600, "\(attack.name) is not on the last day")
            }
        }

        @Test func flowLogsComeInBothFormatsWithOneRecordPerDirection() async throws {
            try await Self.warm()
            let files = Self.contents(Self.small.directory, "flow")
            let custom = files.values.filter { $0.hasPrefix("version account-id interface-id") }
            #expect(!custom.isEmpty && custom.count < files.count)
            let web = try #require(Self.small.truth.assets.first { $0.role == "web" && $0.customFormat == true })
            let fields = custom.flatMap { $0.split(separator: "\n") }.map { $0.split(separator: " ") }.filter {
                $0.count == 29 && $0[2] == web.interfaceId!
            }
            // The server's replies to its visitors' ephemeral ports: egress, SYN-ACK (with FIN when the session closes within the minute).
            let replies = fields.filter { $0[5] == "443" && Int($0[6])! >= 32768 && $0[27] == "egress" }
            #expect(!replies.isEmpty)
            #expect(replies.allSatisfy { [0, 1, 18, 19].contains(Int($0[17])!) })
            #expect(replies.contains { $0[17] == "19" })
            // And the visitors' own records: ingress, SYN (with FIN).
            #expect(fields.contains { $0[6] == "443" && $0[27] == "ingress" && $0[17] == "3" })
            // Tor Browser users reading the site arrive from exit relays.
            #expect(fields.contains { ["185.220.101.141", "192.42.116.93", "204.8.96.80", "2.56.10.36"].contains(String($0[3])) && $0[6] == "443" })
        }

        @Test func longConnectionsAreSplitAcrossIntervalsAndSomeInterfacesUseTenMinutes() async throws {
            try await Self.warm()
            let records = Self.lines("flow").map { $0.split(separator: " ") }.filter { $0.count >= 14 && $0[0] != "version" }
            let spans = records.map { Int64($0[11])! - Int64($0[10])! }
            #expect(spans.contains { $0 > 60 && $0 < 600 })
            #expect(spans.allSatisfy { $0 < 600 })
            // A monitoring scrape held open for the hour: the same five-tuple in many records.
            let tuples = Dictionary(grouping: records.filter { $0[6] == "9100" }, by: { $0[2...6].joined(separator: " ") })
            #expect(tuples.values.contains { $0.count >= 6 })
            #expect(records.contains { $0[12] == "REJECT" })
        }

        @Test func theNatGatewaysAddressesAreTheAccountsOwnAndInstanceRolesCallThroughThem() async throws {
            try await Self.warm()
            let events = Self.lines("cloudtrail").joined(separator: "\n")
            let truth = Self.small.truth
            let nats = truth.assets.filter { $0.role == "nat-gateway" }
            #expect(nats.count == 2)
            for nat in nats {
                let address = try #require(nat.publicAddress)
                #expect(events.contains("\"eventName\":\"CreateNatGateway\"") && events.contains("\"publicIp\":\"\(address)\""))
                #expect(events.contains("\"sourceIPAddress\":\"\(address)\""))
            }
            #expect(events.contains("\"sourceIPAddress\":\"ec2.amazonaws.com\""))
            #expect(events.contains("\"invokedBy\":\"secretsmanager.amazonaws.com\""))
            // The travelling console user signs in from Japan, many hours after the office.
            #expect(events.contains("\"sourceIPAddress\":\"126.72.14.66\""))
        }

        @Test func dnsLogsHoldTheRepeatedAWSEndpointNamesAndTheMailRelaysLookups() async throws {
            try await Self.warm()
            let queries = Self.lines("dns")
            let eks = queries.filter { $0.contains(".gr7.us-east-1.eks.amazonaws.com.") }
            #expect(eks.count >= 3 * 1440 * Self.small.truth.days / 2)
            #expect(queries.contains { $0.contains("internal-orders-api-1234567890.us-east-1.elb.amazonaws.com.") })
            #expect(queries.contains { $0.contains(".zen.spamhaus.org.") && $0.contains("NXDOMAIN") })
            #expect(queries.contains { $0.contains(".cloudfront.net.") })
        }

        @Test func theMailRelaySendsToManyMXHostsFromTheFirstDay() async throws {
            try await Self.warm()
            let relay = try #require(Self.small.truth.assets.first { $0.role == "mail-relay" })
            let firstDay = Self.small.truth.start + 86400
            let interface = try #require(relay.interfaceId)
            let records: [[Substring]] = Self.lines("flow").map { $0.split(separator: " ") }
            let sends = records.filter { (fields: [Substring]) -> Bool in
                guard fields.count >= 14, fields[2] == interface, fields[6] == "25", let start = Int64(fields[10]) else { return false }
                return start < firstDay
            }
            #expect(Set(sends.map { $0[4] }).count >= 5)
        }

        @Test func theCorpusIntelHoldsTheAddressesItsAttacksAndVisitorsUse() async throws {
            try await Self.warm()
            let intel = Self.small.directory.appendingPathComponent("intel")
            let tor = try String(contentsOf: intel.appendingPathComponent("tor-exit-nodes.txt"), encoding: .utf8)
            #expect(tor.contains("147.90.234.159") && tor.contains("185.220.101.141"))
            // The shipped country file places the console sign-ins (copied byte for byte); without one the corpus places them itself.
            let shippedCountries = CorpusScan.shippedIntel + "/ip-countries.tsv.gz"
            if FileManager.default.fileExists(atPath: shippedCountries) {
                let copied = FileManager.default.contents(atPath: intel.appendingPathComponent("ip-countries.tsv.gz").path)
                #expect(copied != nil && copied == FileManager.default.contents(atPath: shippedCountries))
            } else {
                let locations = try String(contentsOf: intel.appendingPathComponent("ip-locations.tsv"), encoding: .utf8)
                #expect(locations.contains("5.45.207.0/24\tRU") && locations.contains("73.162.88.0/24\tUS"))
            }
            #expect(FileManager.default.fileExists(atPath: intel.appendingPathComponent("dns-domains.tsv").path))
        }
    }
}
