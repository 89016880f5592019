import Foundation

/// A seeded, realistic multi-day account: `days` of benign traffic from `instances` instances (web servers, NAT
/// gateways, backups, a mail relay, webhooks, CI, monitoring, …) with attacks injected on the last day. Writes
/// `flow/` (VPC Flow Logs, default v2 and custom v5 formats), `cloudtrail/` (`{"Records":[…]}` files), `dns/`
/// (Route 53 Resolver query logs), `intel/` (the shipped intelligence plus the addresses the corpus's Tor relays,
/// mining pools and console locations use) and `truth.json`.
public struct CorpusGenerator: Sendable {
    public var seed: UInt64
    public var days: Int
    public var instances: Int
    /// Scales the volume of the high-rate benign classes (1: about 1.5 M flow records over six days); the attacks and
    /// the scheduled classes (backups, mail, logins, cron) do not change.
    public var density: Double
    /// The shipped intelligence to extend (the repository's `intel/`), if any.
    public var intelDirectory: String?
    /// Midnight UTC of the first day (a Monday).
    public static let firstDay: Int64 = 1_793_577_600

    public init(seed: UInt64, days: Int = 6, instances: Int = 30, density: Double = 1, intelDirectory: String? = nil) {
        self.seed = seed
        self.days = max(2, days)
        self.instances = max(30, instances)
        self.density = density
        self.intelDirectory = intelDirectory
    }

    /// Writes the corpus into `directory` (replacing it) and returns its truth.
    @discardableResult
    public func write(to directory: URL) throws -> CorpusTruth {
        let builder = try CorpusBuilder(
            seed: self.seed, days: self.days, instances: self.instances, density: self.density, root: directory, start: Self.firstDay)
        builder.accountSetup(Self.firstDay + 600)
        for minuteIndex in 0..<(self.days * 1440) {
            let minute = Self.firstDay + Int64(minuteIndex) * 60
            builder.benignFlows(minute)
            builder.benignDNS(minute)
            builder.consoleUsers(minute)
            builder.attacks(minute)
            if minuteIndex % 60 == 0 {
                builder.benignTrail(minute)
                try builder.files.flush(before: minute / 3600 - 6)
            }
        }
        try builder.files.flush(before: nil)
        let truth = CorpusTruth(
            seed: self.seed, days: self.days, instances: self.instances, density: self.density, accountId: builder.accountId, region: builder.region,
            start: Self.firstDay, assets: Self.assets(builder), attacks: builder.attacks, flowRecords: builder.files.flowRecords,
            cloudTrailRecords: builder.files.cloudTrailRecords, dnsRecords: builder.files.dnsRecords)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(truth).write(to: directory.appendingPathComponent("truth.json"))
        try self.writeIntel(to: directory.appendingPathComponent("intel"))
        return truth
    }

    private static func assets(_ builder: CorpusBuilder) -> [CorpusTruth.Asset] {
        var assets = builder.interfaces.map { interface in
            CorpusTruth.Asset(
                kind: interface.instanceId == nil ? "interface" : "instance", id: interface.instanceId ?? interface.interfaceId,
                interfaceId: interface.interfaceId, privateAddress: interface.privateAddress, publicAddress: interface.publicAddress,
                role: interface.role,
                customFormat: interface.custom)
        }
        for (user, role) in [
            ("alice", "console-user"), ("bob", "console-user"), ("carol", "console-user"), ("dana", "console-user"), ("reporting", "reporting-user"),
            ("ci-deployer", "ci-principal"),
        ] {
            assets.append(CorpusTruth.Asset(kind: "principal", id: user, role: role))
        }
        return assets
    }

    /// The shipped intelligence files, copied as they are, with the corpus's Tor relays and mining pools appended (the
    /// shipped lists are empty placeholders; the built-in rules can only match what the intel holds), and the console
    /// sign-in networks' countries when no country file (`ip-countries.tsv.gz`) is shipped.
    func writeIntel(to directory: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        let shipped = Set(self.intelDirectory.flatMap { try? manager.contentsOfDirectory(atPath: $0) } ?? [])
        var additions: [String: [String]] = [
            "tor-exit-nodes.txt": CorpusAddresses.torExits + [CorpusAddresses.torRelay], "mining-pool-ips.txt": CorpusAddresses.miningPools,
            "dns-domains.tsv": ["CryptoCurrency:EC2/BitcoinTool.B!DNS\tnanopool.org"],
        ]
        if !shipped.contains("ip-countries.tsv.gz") { additions["ip-locations.tsv"] = CorpusAddresses.locations.map { "\($0.0)\t\($0.1)" } }
        for name in shipped.union(additions.keys).sorted() {
            let source = self.intelDirectory.map { "\($0)/\(name)" }
            let target = directory.appendingPathComponent(name)
            guard let lines = additions[name] else {
                if let source { try manager.copyItem(atPath: source, toPath: target.path) }
                continue
            }
            var text = source.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            // An entry is present when its first field (address, CIDR or finding type and domain) is.
            let present = Set(text.split(separator: "\n").map { String($0) })
            for line in lines where !present.contains(line) && !present.contains(String(line.split(separator: "\t").first ?? "")) {
                text += line + "\n"
            }
            try Data(text.utf8).write(to: target)
        }
    }
}
