import Detection
import Foundation
import GuardDutyModel
import ThreatLists

/// The detection service's state between two polls: the followed sources, the pipeline and its engine, the
/// configuration in force, and the findings reported so far.
///
/// Delivery guarantee: a finding is written to the outbox (fsync) before the file offsets that produced it are
/// checkpointed, and leaves the outbox only when the administrator acknowledged it. After a crash the agent re-reads
/// from the checkpointed offsets and regenerates the same findings with the same ids; the server's upsert only moves
/// findings forward, so nothing is lost and nothing counts twice.
///
/// The checkpoint is taken only where no detection window is open (or, when windows never all close, once an hour):
/// the engine it restores holds no half-filled window, so a restart replays the records of every window that was open
/// — two console logins read before and after a crash still make their finding. The cost is re-reading what came
/// after the last quiet moment.
final class DetectionLoop {
    let options: AgentOptions
    let detectorId: String
    let outbox: Outbox
    let state: AgentState
    let pipeline: LogPipeline
    private var checkpoint: Checkpoint
    private var ledger: FindingLedger
    private let sources: [(tailer: LogTailer, id: String)]
    /// The `s3://` sources (and their queue), read after the files.
    private let s3: S3Sources
    /// The configuration in force; nil until the first one arrives (or is read from the state directory).
    private(set) var config: AgentConfig?
    private var lastDataAt = Date().timeIntervalSince1970
    /// When the checkpoint was last written, and whether something changed since.
    private var checkpointedAt = Date().timeIntervalSince1970
    private var unsaved = false
    /// A checkpoint is written at least this often, open windows or not.
    static let maxCheckpointAge = 3600.0
    /// The newest record's time of each data source: its windows are judged against it.
    private var newestRecord: [DataSource: Int64] = [:]

    init(options: AgentOptions, detectorId: String, region: String, builtIn: BuiltInIntelligence, outbox: Outbox, state: AgentState) throws {
        self.options = options
        self.detectorId = detectorId
        self.outbox = outbox
        self.state = state
        let checkpoint = Checkpoint.load(stateDirectory: options.stateDirectory)
        let engine = DetectionEngine(
            intelligence: builtIn.intelligence(threatLists: [], trustedLists: []), accountId: "000000000000", region: region, detectorId: detectorId
        )
        engine.maxFindings = options.memoryLimit.maxFindings
        engine.clusterName = options.clusterName
        // Nothing of a cluster is analysed before the configuration says EKS_AUDIT_LOGS is on.
        engine.kubernetesAuditLogs = false
        engine.restore(checkpoint.findings)
        if let learned = checkpoint.baselines { engine.restore(learned) }
        self.pipeline = LogPipeline(engine: engine)
        self.checkpoint = checkpoint
        self.ledger = FindingLedger(checkpoint)
        var sources: [(tailer: LogTailer, id: String)] = []
        let arguments = [
            (DataSource.flowLogs, options.flowLogs), (.cloudTrail, options.cloudTrail), (.dnsLogs, options.dnsLogs),
            (.kubernetesAuditLogs, options.kubernetesAuditLogs),
        ]
        for (dataSource, paths) in arguments {
            for path in paths {
                let id = "\(dataSource.rawValue):\(path)"
                state.register(source: id, dataSource: dataSource, path: path)
                if S3SourceURL.isSource(path) { continue }
                sources.append((LogTailer(dataSource: dataSource, path: path, cursors: checkpoint.cursors[id] ?? []), id))
            }
        }
        self.sources = sources
        self.s3 = try S3Sources.make(
            arguments: [(.flowLogs, options.flowLogs), (.cloudTrail, options.cloudTrail), (.dnsLogs, options.dnsLogs)], options: options.s3,
            accounts: nil, saved: checkpoint.s3 ?? [:], scanning: false
        )
    }

    /// One poll: swaps in a configuration the sync offered, reads the sources, writes new findings to the outbox at
    /// once and updates at the publishing frequency, and checkpoints what changed. Nothing is read before the first
    /// configuration (first start with the administrator unreachable).
    func poll() async throws {
        self.applyOffer()
        guard let current = self.config else { return }
        let now = Date().timeIntervalSince1970
        self.s3.read(account: current.accountId)
        let (read, objects) = current.status == "ENABLED" ? try await self.readSources(now: now) : (0, 0)
        if read > 0 { self.lastDataAt = now }
        var changed = read > 0 || objects > 0
        if try self.judge(read: read, now: now, config: current) { changed = true }
        if try self.publishDueUpdates(now: now, config: current) { changed = true }
        if changed { self.unsaved = true }
        try self.checkpointIfQuiet(now: now)
        // Queue messages go only once what they announced is checkpointed.
        await self.s3.acknowledge()
        for (id, figures) in self.s3.figures() { self.state.setS3(source: id, figures) }
    }

    /// Swaps in the configuration the sync offered, if any: its lists, S3 Protection, the publishing frequency.
    private func applyOffer() {
        guard let (newConfig, intelligence) = self.state.takeOffer() else { return }
        let engine = self.pipeline.engine
        engine.intelligence = intelligence
        // S3 Protection: S3 data events are analysed only while the feature is in force for the account.
        engine.s3DataEvents = newConfig.features["S3_DATA_EVENTS"] == "ENABLED"
        // EKS Audit Log Monitoring: the audit logs are read (and their offsets kept) either way; their events are
        // judged only while the feature is on, so switching it on never replays what was read while it was off.
        engine.kubernetesAuditLogs = newConfig.features["EKS_AUDIT_LOGS"] == "ENABLED"
        if self.config?.findingPublishingFrequency != newConfig.findingPublishingFrequency {
            self.ledger.frequencyChanged(interval: self.updateInterval(newConfig), now: Date().timeIntervalSince1970)
        }
        self.config = newConfig
        self.state.setAppliedVersion(newConfig.version)
    }

    /// Hands every source's new complete content to the pipeline; returns the records and S3 objects read.
    private func readSources(now: Double) async throws -> (records: Int, objects: Int) {
        var read = 0
        var objects = 0
        for (tailer, id) in self.sources {
            try tailer.poll { file, path, bytes, fromStart in
                let yield = self.pipeline.ingest(bytes, from: tailer.dataSource, file: file, path: path, fromStart: fromStart)
                read += yield.records
                self.newestRecord[tailer.dataSource] = max(self.newestRecord[tailer.dataSource] ?? 0, yield.newest)
                self.state.count(source: id, records: yield.records, malformed: yield.malformed, bytes: bytes.count, newest: yield.newest)
            }
        }
        // Parsers of files that are gone are not needed any more.
        self.pipeline.keepFiles(Set(self.sources.flatMap { $0.tailer.cursors.keys }))
        await self.s3.poll(
            now: now, pipeline: self.pipeline,
            count: { id, dataSource, yield, bytes in
                read += yield.records
                objects += 1
                self.newestRecord[dataSource] = max(self.newestRecord[dataSource] ?? 0, yield.newest)
                self.state.count(source: id, records: yield.records, malformed: yield.malformed, bytes: bytes, newest: yield.newest)
            },
            progress: { for (id, figures) in self.s3.figures() { self.state.setS3(source: id, figures) } })
        return (read, objects)
    }

    /// Asks the engine for findings after new records (windows older than the newest record's window are judged), or
    /// after a quiet spell (every open window is judged); new ones go to the outbox. Returns whether anything changed.
    private func judge(read: Int, now: Double, config: AgentConfig) throws -> Bool {
        let engine = self.pipeline.engine
        let idle = now - self.lastDataAt >= self.options.idleFlushSeconds
        guard read > 0 || (idle && engine.hasOpenWindows) else { return false }
        let window = engine.thresholds.windowSeconds
        func mark(_ dataSource: DataSource) -> Int64 { self.newestRecord[dataSource].map { $0 - window } ?? .min }
        let watermarks = Watermarks(
            flow: mark(.flowLogs), cloudTrail: mark(.cloudTrail), dns: mark(.dnsLogs), kubernetes: mark(.kubernetesAuditLogs))
        let (fresh, updated) = self.ledger.absorb(
            (idle ? engine.findings() : engine.findings(closingWindowsBefore: watermarks)), config: config, detectorId: self.detectorId)
        guard !fresh.isEmpty else { return updated }
        try self.outbox.append(detectorId: self.detectorId, findings: self.placed(fresh))
        self.ledger.sentAsNew(fresh)
        self.state.addFindings(new: fresh.count)
        return true
    }

    /// Writes the pending updates to the outbox when the publishing frequency says so; returns whether it was time.
    private func publishDueUpdates(now: Double, config: AgentConfig) throws -> Bool {
        guard let due = self.ledger.dueUpdates(now: now, interval: self.updateInterval(config)) else { return false }
        try self.outbox.append(detectorId: self.detectorId, findings: self.placed(due))
        return true
    }

    /// The findings with their remote addresses placed, when the operator gave geolocation databases.
    private func placed(_ findings: [Finding]) -> [Finding] {
        guard let geo = self.options.geo else { return findings }
        return FindingEnricher(databases: geo).enriched(findings)
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

    /// Checkpoints what changed, when no window is open (or the checkpoint is an hour old); see the type's note.
    func checkpointIfQuiet(now: Double) throws {
        guard self.unsaved, !self.pipeline.engine.hasOpenWindows || now - self.checkpointedAt >= Self.maxCheckpointAge else { return }
        try self.save()
        self.unsaved = false
        self.checkpointedAt = now
    }

    /// Checkpoints the file offsets, the findings known, the pending updates and what the learned rules learned.
    func save() throws {
        self.checkpoint.cursors = Dictionary(uniqueKeysWithValues: self.sources.map { ($0.id, Array($0.tailer.cursors.values)) })
        self.checkpoint.s3 = self.s3.isEmpty ? nil : self.s3.states
        self.ledger.save(into: &self.checkpoint)
        self.checkpoint.baselines = self.pipeline.engine.learnedBaselines()
        try self.checkpoint.save(stateDirectory: self.options.stateDirectory)
        self.s3.checkpointed()
    }
}
