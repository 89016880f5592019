import Crypto
import Detection
import Foundation
import GuardDutyModel
import Logging
import ThreatLists

/// How `guardpost-agent run` was asked to run.
public struct AgentOptions: Sendable {
    public var endpointURL: String
    /// PEM certificate authorities to trust for an https endpoint (else AWS_CA_BUNDLE, else the system's).
    public var caBundle: String?
    public var aws: AWSConfiguration
    public var stateDirectory: String
    public var flowLogs: [String]
    public var cloudTrail: [String]
    public var dnsLogs: [String]
    /// Built-in intelligence (dns-domains.tsv, tor-exit-nodes.txt, mining-pool-ips.txt).
    public var intelDirectory: String?
    /// How often the sources are read and new findings batched (GuardDuty batches new findings; here within a second).
    public var pollInterval: Duration = .seconds(1)
    public var heartbeatInterval: Duration = .seconds(15)
    /// After this long without new records, open windows are judged with what they have.
    public var idleFlushSeconds: Double = 30
    /// Overrides the publishing frequency for updates of existing findings (tests, demos).
    public var updateIntervalOverride: Double?

    public init(endpointURL: String, aws: AWSConfiguration, stateDirectory: String, flowLogs: [String] = [], cloudTrail: [String] = [], dnsLogs: [String] = []) {
        self.endpointURL = endpointURL
        self.aws = aws
        self.stateDirectory = stateDirectory
        self.flowLogs = flowLogs
        self.cloudTrail = cloudTrail
        self.dnsLogs = dnsLogs
    }
}

/// What survives a restart besides the outbox: where each file was read to, the findings known so far (so new
/// occurrences add to their counts), and the updates not yet published.
struct Checkpoint: Codable {
    var cursors: [String: [FileCursor]]
    var findings: [Finding]
    var pendingUpdates: [String]
    var nextUpdateAt: Double
    /// What the learned rules (unusual ports and volumes, AnomalousBehavior) have learned.
    var baselines: LearnedBaselines?
}

/// The member agent: configuration sync (long-poll, lists by hash), log tailing, detection, the durable outbox and
/// its publisher, and heartbeats — four tasks sharing a little locked state.
///
/// Delivery guarantee: a finding is written to the outbox (fsync) before the file offsets that produced it are
/// checkpointed, and leaves the outbox only when the administrator acknowledged it. After a crash the agent re-reads
/// from the checkpointed offsets and regenerates the same findings with the same ids; the server's upsert only moves
/// findings forward, so nothing is lost and nothing counts twice. Threshold rules whose window was open at a crash
/// start that window again from the checkpointed offsets' records onwards (records before it are not re-counted).
public final class AgentRuntime: @unchecked Sendable {
    public static let version = "0.4.0"

    let options: AgentOptions
    let logger: Logger
    let client: GuardpostClient
    let outbox: Outbox
    let shared = SharedState()
    let builtIn: BuiltInIntelligence
    public let agentId: String

    public init(options: AgentOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        self.client = try GuardpostClient(endpointURL: options.endpointURL, configuration: options.aws, caBundle: options.caBundle)
        try FileManager.default.createDirectory(atPath: "\(options.stateDirectory)/lists", withIntermediateDirectories: true)
        self.outbox = try Outbox(directory: "\(options.stateDirectory)/outbox")
        self.builtIn = BuiltInIntelligence(directory: options.intelDirectory)
        self.agentId = try Self.agentId(stateDirectory: options.stateDirectory, aws: options.aws)
    }

    /// The agent's id: kept in the state directory; derived from the host's machine id, the state directory and the
    /// account, so a re-install on the same host with the same state path is the same agent.
    static func agentId(stateDirectory: String, aws: AWSConfiguration) throws -> String {
        let file = "\(stateDirectory)/agent-id"
        if let stored = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty {
            return stored
        }
        let machine = (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? UUID().uuidString
        let path = URL(fileURLWithPath: stateDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        let digest = SHA256.hash(data: Array("\(machine)|\(path)|\(aws.credentials.accessKeyId)|\(aws.region)".utf8))
        let id = "agent-" + digest.prefix(12).map { String(format: "%02x", $0) }.joined()
        try DurableFile.write(Array((id + "\n").utf8), to: file)
        return id
    }

    /// Runs until the task is cancelled (SIGTERM/SIGINT in the executable); checkpoints on the way out.
    public func run() async throws {
        let detectorId = try await self.discoverDetector()
        self.logger.info("agent running", metadata: ["agentId": "\(self.agentId)", "detectorId": "\(detectorId)", "region": "\(self.client.region)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.syncConfiguration(detectorId: detectorId) }
            group.addTask { await self.publish() }
            group.addTask { await self.heartbeat(detectorId: detectorId) }
            group.addTask { try await self.detect(detectorId: detectorId) }
            // The detection loop ends only by cancellation or a fatal error; either ends the agent.
            try await group.next()
            group.cancelAll()
        }
    }

    // MARK: detector and configuration

    /// The account's detector in the region (ListDetectors), or the one of the last saved configuration when the
    /// administrator cannot be reached; waits, retrying, until one of the two exists.
    func discoverDetector() async throws -> String {
        var delay = 1.0
        while true {
            do {
                let listed = try await self.client.json("GET", "/detector", as: DetectorIds.self)
                if let id = listed.detectorIds.first { return id }
                self.logger.warning("no detector in \(self.client.region) yet: accept the administrator's invitation (guardpost-agent invitations accept) or create one")
            } catch let error as AgentError {
                if let saved = self.savedConfig() {
                    self.logger.warning("administrator unreachable; running with the saved configuration", metadata: ["error": "\(error)"])
                    return saved.detectorId
                }
                guard error.isRetryable else { throw error }
                self.logger.warning("administrator unreachable; retrying", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 30)
        }
    }

    struct DetectorIds: Decodable { var detectorIds: [String] }

    func savedConfig() -> AgentConfig? {
        guard let data = FileManager.default.contents(atPath: "\(self.options.stateDirectory)/config.json") else { return nil }
        return try? JSONDecoder().decode(AgentConfig.self, from: data)
    }

    /// Long-polls the configuration; each new version (with its lists fetched by hash and verified) is handed to
    /// the detection loop, which swaps it in between two polls of the sources.
    func syncConfiguration(detectorId: String) async {
        var known = -1
        if let saved = self.savedConfig(), saved.detectorId == detectorId, let intelligence = try? self.intelligence(for: saved) {
            self.shared.offer(saved, intelligence)
            known = saved.version
        }
        var delay = 1.0
        while !Task.isCancelled {
            do {
                let response = try await self.client.send(
                    "GET", "/agent/v1/config", query: "detectorId=\(detectorId)" + (known >= 0 ? "&version=\(known)&wait=30" : ""), timeout: .seconds(50)
                )
                delay = 1
                guard response.status == 200 else { continue }
                let config = try JSONDecoder().decode(AgentConfig.self, from: Data(response.body))
                let intelligence = try await self.loadIntelligence(for: config)
                try DurableFile.write(response.body, to: "\(self.options.stateDirectory)/config.json")
                self.shared.offer(config, intelligence)
                known = config.version
                self.logger.info("configuration applied", metadata: [
                    "version": "\(config.version)", "frequency": "\(config.findingPublishingFrequency)",
                    "lists": "\(config.lists.count)", "administrator": "\(config.administratorId ?? "none")",
                    "s3DataEvents": "\(config.features["S3_DATA_EVENTS"] ?? "DISABLED")",
                ])
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("configuration sync failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)s"])
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 30)
            }
        }
    }

    /// Fetches the lists of a configuration that are not cached yet, verifying each against its hash.
    func loadIntelligence(for config: AgentConfig) async throws -> Intelligence {
        for list in config.lists {
            guard !FileManager.default.fileExists(atPath: try self.listPath(list.sha256)) else { continue }
            let response = try await self.client.send("GET", "/agent/v1/lists/\(list.sha256)", timeout: .seconds(120))
            let digest = SHA256.hash(data: response.body).map { String(format: "%02x", $0) }.joined()
            guard digest == list.sha256 else {
                throw AgentError.transport("list \(list.name) arrived with hash \(digest), not \(list.sha256)")
            }
            try DurableFile.write(response.body, to: try self.listPath(list.sha256))
        }
        return try self.intelligence(for: config)
    }

    /// The cache file of a list. The hash comes from the server, so it must be 64 hex digits before it names a file.
    func listPath(_ sha256: String) throws -> String {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw AgentError.transport("the server named a list by '\(sha256.prefix(80))', which is not a SHA-256 in hex")
        }
        return "\(self.options.stateDirectory)/lists/\(sha256)"
    }

    /// The lists of a configuration (from the cache) with the built-in intelligence.
    func intelligence(for config: AgentConfig) throws -> Intelligence {
        var threats: [(name: String, list: ParsedList)] = []
        var trusted: [ParsedList] = []
        for list in config.lists {
            guard let data = FileManager.default.contents(atPath: try self.listPath(list.sha256)) else {
                throw AgentError.transport("list \(list.name) (\(list.sha256)) is not cached")
            }
            let entities = list.kind == "THREAT_ENTITY_SET" || list.kind == "TRUSTED_ENTITY_SET"
            let parsed = ListParser.parse(Array(data), format: .txt, content: entities ? .addressesAndDomains : .addresses)
            if list.trusted { trusted.append(parsed) } else { threats.append((list.name, parsed)) }
        }
        return self.builtIn.intelligence(threatLists: threats, trustedLists: trusted)
    }

    // MARK: detection

    /// Reads the sources every poll interval, detects, writes new findings to the outbox at once and updates at
    /// the publishing frequency, and checkpoints.
    func detect(detectorId: String) async throws {
        let stateDirectory = self.options.stateDirectory
        let checkpointPath = "\(stateDirectory)/checkpoint.json"
        var checkpoint = (FileManager.default.contents(atPath: checkpointPath)).flatMap { try? JSONDecoder().decode(Checkpoint.self, from: $0) }
            ?? Checkpoint(cursors: [:], findings: [], pendingUpdates: [], nextUpdateAt: 0, baselines: nil)
        let engine = DetectionEngine(intelligence: self.builtIn.intelligence(threatLists: [], trustedLists: []), accountId: "000000000000",
                                     region: self.client.region, detectorId: detectorId)
        engine.restore(checkpoint.findings)
        if let learned = checkpoint.baselines { engine.restore(learned) }
        var known = Dictionary(checkpoint.findings.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        var pendingUpdates = Set(checkpoint.pendingUpdates)
        var nextUpdateAt = checkpoint.nextUpdateAt
        var sources: [(tailer: LogTailer, id: String)] = []
        for (dataSource, paths) in [(DataSource.flowLogs, self.options.flowLogs), (.cloudTrail, self.options.cloudTrail), (.dnsLogs, self.options.dnsLogs)] {
            for path in paths {
                let id = "\(dataSource.rawValue):\(path)"
                sources.append((LogTailer(dataSource: dataSource, path: path, cursors: checkpoint.cursors[id] ?? []), id))
                self.shared.register(source: id, dataSource: dataSource, path: path)
            }
        }
        var flowParsers: [String: FlowLogParser] = [:]
        var cloudTrailParser = CloudTrailParser()
        var dnsParser = DNSLogParser()
        var config: AgentConfig? = nil
        var lastDataAt = Date().timeIntervalSince1970
        var newestRecord: Int64 = 0

        func save() throws {
            checkpoint.cursors = Dictionary(uniqueKeysWithValues: sources.map { ($0.id, Array($0.tailer.cursors.values)) })
            checkpoint.findings = Array(known.values)
            checkpoint.pendingUpdates = Array(pendingUpdates)
            checkpoint.nextUpdateAt = nextUpdateAt
            checkpoint.baselines = engine.learnedBaselines()
            try DurableFile.write(Array(try JSONEncoder().encode(checkpoint)), to: checkpointPath)
        }

        while true {
            if Task.isCancelled {
                try save()
                return
            }
            if let (newConfig, intelligence) = self.shared.takeOffer() {
                engine.intelligence = intelligence
                // S3 Protection: S3 data events are analysed only while the feature is in force for the account.
                engine.s3DataEvents = newConfig.features["S3_DATA_EVENTS"] == "ENABLED"
                if config?.findingPublishingFrequency != newConfig.findingPublishingFrequency {
                    nextUpdateAt = min(nextUpdateAt, Date().timeIntervalSince1970 + self.updateInterval(newConfig))
                }
                config = newConfig
                self.shared.setAppliedVersion(newConfig.version)
            }
            guard let current = config else {
                // No configuration yet (first start with the administrator unreachable): wait for one.
                try await Task.sleep(for: self.options.pollInterval)
                continue
            }
            let now = Date().timeIntervalSince1970
            var read = 0
            if current.status == "ENABLED" {
                for (tailer, id) in sources {
                    try tailer.poll { key, path, bytes, fromStart in
                        var newest: Int64 = 0
                        // The parser's counters before and after this chunk: what it read and what it skipped.
                        let before: ParseStatistics, after: ParseStatistics
                        switch tailer.dataSource {
                        case .flowLogs:
                            var parser = flowParsers[key] ?? {
                                var parser = FlowLogParser(names: engine.names)
                                // Resuming mid-file: the file's header line (custom formats) still applies.
                                if !fromStart, let header = LogTailer.firstLine(path), let first = header.first, (first | 0x20) >= 97, (first | 0x20) <= 122 {
                                    parser.parse(header) { _ in }
                                }
                                return parser
                            }()
                            before = parser.statistics
                            parser.parse(bytes) { record in
                                engine.process(record)
                                newest = max(newest, record.end)
                            }
                            after = parser.statistics
                            flowParsers[key] = parser
                        case .cloudTrail:
                            before = cloudTrailParser.statistics
                            cloudTrailParser.parse(bytes) { event in
                                engine.process(event)
                                newest = max(newest, event.eventTime)
                            }
                            after = cloudTrailParser.statistics
                        case .dnsLogs:
                            before = dnsParser.statistics
                            dnsParser.parse(bytes) { query in
                                engine.process(query)
                                newest = max(newest, query.time)
                            }
                            after = dnsParser.statistics
                        }
                        let records = after.records - before.records, malformed = after.malformed - before.malformed
                        read += records
                        newestRecord = max(newestRecord, newest)
                        self.shared.count(source: id, records: records, malformed: malformed, bytes: bytes.count, newest: newest)
                    }
                }
                // Parsers of files that are gone are not needed any more.
                let live = Set(sources.flatMap { $0.tailer.cursors.keys })
                flowParsers = flowParsers.filter { live.contains($0.key) }
            }
            var changed = read > 0
            if read > 0 { lastDataAt = now }
            let idle = now - lastDataAt >= self.options.idleFlushSeconds
            if read > 0 || (idle && engine.hasOpenWindows) {
                let watermark: Int64? = idle ? nil : newestRecord - engine.thresholds.windowSeconds
                var fresh: [Finding] = []
                for var finding in engine.findings(closingWindowsBefore: watermark) {
                    // An agent reports for its own account and region, whatever the records name.
                    finding.accountId = current.accountId
                    finding.region = current.region
                    finding.service.detectorId = detectorId
                    finding.arn = "arn:aws:guardduty:\(current.region):\(current.accountId):detector/\(detectorId)/finding/\(finding.id)"
                    if let previous = known[finding.id] {
                        if previous != finding {
                            known[finding.id] = finding
                            pendingUpdates.insert(finding.id)
                            changed = true
                        }
                    } else {
                        known[finding.id] = finding
                        fresh.append(finding)
                    }
                }
                if !fresh.isEmpty {
                    try self.outbox.append(detectorId: detectorId, findings: fresh)
                    // A finding sent as new carries its latest state; its later changes are updates.
                    for finding in fresh { pendingUpdates.remove(finding.id) }
                    self.shared.addFindings(new: fresh.count)
                    changed = true
                }
            }
            if now >= nextUpdateAt {
                if !pendingUpdates.isEmpty {
                    try self.outbox.append(detectorId: detectorId, findings: pendingUpdates.sorted().compactMap { known[$0] })
                    pendingUpdates.removeAll()
                }
                nextUpdateAt = now + self.updateInterval(current)
                changed = true
            }
            if changed { try save() }
            try? await Task.sleep(for: self.options.pollInterval)
        }
    }

    /// Seconds between publications of updated findings: the effective finding publishing frequency.
    func updateInterval(_ config: AgentConfig) -> Double {
        if let override = self.options.updateIntervalOverride { return override }
        switch config.findingPublishingFrequency {
        case "FIFTEEN_MINUTES": return 900
        case "ONE_HOUR": return 3600
        default: return 21600
        }
    }

    // MARK: publishing and heartbeats

    /// Sends outbox batches oldest first; a batch leaves the outbox only when acknowledged. Transient failures are
    /// retried with backoff (up to 30 s); a batch refused as invalid is set aside in `outbox/rejected`.
    func publish() async {
        var delay = 0.5
        while !Task.isCancelled {
            do {
                guard let (name, body) = try self.outbox.oldest() else {
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                do {
                    _ = try await self.client.send("POST", "/agent/v1/findings", body: body, timeout: .seconds(60))
                    try self.outbox.acknowledge(name)
                    self.shared.delivered()
                    delay = 0.5
                } catch let error as AgentError where !error.isRetryable {
                    self.logger.error("administrator refused a findings batch; set aside in outbox/rejected", metadata: ["batch": "\(name)", "error": "\(error)"])
                    try self.outbox.reject(name, reason: error.description)
                }
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("findings delivery failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)s"])
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 30)
            }
        }
    }

    /// Reports the agent every heartbeat interval. Usage is sent as numbered reports: a report is sent again, with its
    /// number, until acknowledged (the server counts each number once), and what is analysed meanwhile waits for the
    /// next report.
    func heartbeat(detectorId: String) async {
        let hostname = ProcessInfo.processInfo.hostName
        while !Task.isCancelled {
            let (version, sources, sequence) = self.shared.heartbeatSnapshot()
            let heartbeat = AgentHeartbeat(
                agentId: self.agentId, detectorId: detectorId, hostname: hostname, version: Self.version, configVersion: version,
                sources: sources, usageSequence: sequence
            )
            do {
                _ = try await self.client.send("POST", "/agent/v1/heartbeat", body: Array(try JSONEncoder().encode(heartbeat)), timeout: .seconds(20))
                self.shared.acknowledgeUsage(sequence)
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: self.options.heartbeatInterval)
        }
    }

    /// Figures for tests and the operator: findings written to the outbox and batches acknowledged.
    public var counters: (newFindings: Int, deliveredBatches: Int, appliedConfigVersion: Int) {
        self.shared.counters
    }
}

/// The state the agent's tasks share, behind one lock.
final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private var offered: (AgentConfig, Intelligence)?
    private var appliedVersion = 0
    private var newFindings = 0
    private var deliveredBatches = 0

    struct SourceCounters {
        var dataSource: DataSource
        var path: String
        var records = 0
        var errors = 0
        var newest: Int64 = 0
        var recordsSinceLast = 0
        var bytesSinceLast = 0
    }
    private var sources: [String: SourceCounters] = [:]
    private var order: [String] = []

    func offer(_ config: AgentConfig, _ intelligence: Intelligence) {
        self.lock.withLock {
            self.offered = (config, intelligence)
        }
    }

    func takeOffer() -> (AgentConfig, Intelligence)? {
        self.lock.withLock {
            defer { self.offered = nil }
            return self.offered
        }
    }

    func setAppliedVersion(_ version: Int) { self.lock.withLock { self.appliedVersion = version } }

    func register(source id: String, dataSource: DataSource, path: String) {
        self.lock.withLock {
            if self.sources[id] == nil {
                self.sources[id] = SourceCounters(dataSource: dataSource, path: path)
                self.order.append(id)
            }
        }
    }

    func count(source id: String, records: Int, malformed: Int, bytes: Int, newest: Int64) {
        self.lock.withLock {
            self.sources[id]?.records += records
            self.sources[id]?.errors += malformed
            self.sources[id]?.recordsSinceLast += records
            self.sources[id]?.bytesSinceLast += bytes
            if newest > (self.sources[id]?.newest ?? 0) { self.sources[id]?.newest = newest }
        }
    }

    func addFindings(new: Int) { self.lock.withLock { self.newFindings += new } }
    func delivered() { self.lock.withLock { self.deliveredBatches += 1 } }

    var counters: (newFindings: Int, deliveredBatches: Int, appliedConfigVersion: Int) {
        self.lock.withLock { (self.newFindings, self.deliveredBatches, self.appliedVersion) }
    }

    /// The usage report being delivered: its number and what it counts per source.
    private var report: (sequence: Int64, usage: [String: (records: Int, bytes: Int)])?
    /// Report numbers grow across restarts: they start from the start time in milliseconds, times 1,000.
    private var nextSequence = Int64(Date().timeIntervalSince1970 * 1000) * 1000

    /// The applied config version, every source's figures with the usage of the report being delivered (a new report
    /// of everything counted since the last one when none is), and that report's number.
    func heartbeatSnapshot() -> (Int, [AgentHeartbeat.Source], Int64) {
        let now = Date().timeIntervalSince1970
        return self.lock.withLock {
            if self.report == nil {
                var usage: [String: (records: Int, bytes: Int)] = [:]
                for (id, counters) in self.sources {
                    usage[id] = (counters.recordsSinceLast, counters.bytesSinceLast)
                    self.sources[id]?.recordsSinceLast = 0
                    self.sources[id]?.bytesSinceLast = 0
                }
                self.report = (self.nextSequence, usage)
                self.nextSequence += 1
            }
            let report = self.report!
            let sources = self.order.compactMap { id -> AgentHeartbeat.Source? in
                guard let counters = self.sources[id] else { return nil }
                let usage = report.usage[id] ?? (0, 0)
                return AgentHeartbeat.Source(
                    dataSource: counters.dataSource.rawValue, path: counters.path, records: counters.records, errors: counters.errors,
                    lagSeconds: counters.newest > 0 ? max(0, now - Double(counters.newest)) : nil,
                    recordsSinceLast: usage.records, bytesSinceLast: usage.bytes
                )
            }
            return (self.appliedVersion, sources, report.sequence)
        }
    }

    /// The report `sequence` was counted: the next heartbeat reports what was analysed since.
    func acknowledgeUsage(_ sequence: Int64) {
        self.lock.withLock {
            if self.report?.sequence == sequence { self.report = nil }
        }
    }
}

/// The intelligence shipped as data files (operator-replaceable), loaded once.
public struct BuiltInIntelligence: Sendable {
    let domains: [(type: String, domain: String)]
    let torNodes: [IPNetwork]
    let miningPools: [IPNetwork]
    let maliciousIPs: [IPNetwork]
    let blackholes: [IPNetwork]
    let locations: [(network: IPNetwork, label: String)]

    public init(directory: String?) {
        self.domains = directory.flatMap { try? String(contentsOfFile: "\($0)/dns-domains.tsv", encoding: .utf8) }.map(Intelligence.builtInDomains) ?? []
        func addresses(_ file: String) -> [IPNetwork] {
            guard let directory, let data = FileManager.default.contents(atPath: "\(directory)/\(file)") else { return [] }
            return ListParser.parse(Array(data), format: .txt, content: .addresses).networks
        }
        self.torNodes = addresses("tor-exit-nodes.txt")
        self.miningPools = addresses("mining-pool-ips.txt")
        self.maliciousIPs = addresses("malicious-ips.txt")
        self.blackholes = addresses("blackhole-ips.txt")
        self.locations = directory.flatMap { try? String(contentsOfFile: "\($0)/ip-locations.tsv", encoding: .utf8) }.map(Intelligence.locations) ?? []
    }

    public func intelligence(threatLists: [(name: String, list: ParsedList)], trustedLists: [ParsedList]) -> Intelligence {
        Intelligence(
            threatLists: threatLists, trustedLists: trustedLists, builtInDomains: self.domains, torNodes: self.torNodes, miningPools: self.miningPools,
            maliciousIPs: self.maliciousIPs, blackholes: self.blackholes, locations: self.locations
        )
    }
}
