import Foundation
import GuardDutyModel
import ThreatLists

/// Turns log records into GuardDuty findings. Feed it records of any source in any order, then ask for the
/// findings: threshold rules are evaluated over fixed windows of record time (never the wall clock), so the same
/// logs always give the same findings. Not thread-safe: one engine per scan or per agent pipeline.
///
/// The engine knows no rule by name: it does the per-record work the rules share (sides and address lookups of flow
/// records, the flow windows, the caller's address of CloudTrail events, normalised DNS names) and hands each record
/// to the rules of its kind in `DetectionRules` — each rule, with its own state, is a type in `Rules/`.
public final class DetectionEngine {
    /// Thresholds, as documented in the README.
    public struct Thresholds: Sendable {
        public var windowSeconds: Int64 = 600
        public var bruteForceAttempts = 20
        public var portscanPorts = 50
        public var portSweepHosts = 50
        /// Backdoor:EC2/Spambot: this many mail servers reached on port 25 within `spambotSeconds` by an instance that
        /// did not use port 25 while it was learned.
        public var spambotHosts = 4
        public var spambotSeconds: Int64 = 86_400
        public var denialOfServicePacketsPerMinute = 100_000
        /// The largest average packet of a flood (a bulk transfer's full-size packets are not one).
        public var denialOfServiceBytesPerPacket = 600
        /// A flood of bare headers (≤ 100 bytes a packet: SYN and ACK floods) needs fewer packets in a minute.
        public var denialOfServiceHeaderPacketsPerMinute = 5_000
        /// Over TCP, a flood comes from at least this many connections in its minute.
        public var denialOfServiceConnections = 20
        public var exfiltrationQueries = 5
        public var probedPorts = 10
        public var dgaDomains = 10
        /// How long (record time) an instance's outbound ports and traffic volume are learned before they are judged.
        public var baselineLearningSeconds: Int64 = 86_400
        public var trafficVolumeFactor = 10
        public var trafficVolumeMinimumBytes = 50_000_000
        /// ConsoleLoginSuccess.B: successful console logins of one principal within `consoleLoginSeconds` from this
        /// many locations of the location file, or — for addresses the file does not place — this many /16 (IPv6:
        /// /48) networks counted together with the known locations.
        public var consoleLoginSeconds: Int64 = 3_600
        public var consoleLoginLocations = 2
        public var consoleLoginNetworks = 3
        /// New findings of one type a resource raises per window before the rest is counted in its summary
        /// ("and N more"): a flood of distinct remote addresses costs one finding, not one each.
        public var distinctFindingsPerResource = 100
        public init() {}
    }

    /// The lists and built-in intelligence in force; an agent swaps it between records when its configuration changes.
    public var intelligence: Intelligence {
        // Records taken under the old lists are judged under them.
        willSet { self.drainFlows() }
        didSet { self.context.intelligence = self.intelligence }
    }
    /// Whether CloudTrail S3 data events are analysed (the S3_DATA_EVENTS feature, S3 Protection). `scan` analyses
    /// them whenever the input has them; an agent follows its configuration.
    public var s3DataEvents = true
    /// Whether Kubernetes audit events are analysed (the EKS_AUDIT_LOGS feature, EKS Audit Log Monitoring). `scan`
    /// analyses them whenever it is given audit logs; an agent follows its configuration.
    public var kubernetesAuditLogs = true
    /// Kubernetes audit events skipped because EKS_AUDIT_LOGS was off.
    public internal(set) var kubernetesAuditEventsIgnored = 0
    /// The cluster whose audit log the engine reads (`--k8s-cluster-name`), named in Kubernetes findings.
    public var clusterName = "kubernetes"
    /// Audit IDs of the Kubernetes requests judged lately, so that none is judged twice (its stages, lines read again).
    var kubernetesJudged = RecentAuditIDs()
    /// Findings held at most (the agent's `--max-memory-mb`); past it, new findings are counted in their type's
    /// summary for the account. Unbounded by default.
    public var maxFindings: Int {
        get { self.context.aggregator.maxFindings }
        set { self.context.aggregator.maxFindings = newValue }
    }
    /// Findings held (summaries included).
    public var heldFindings: Int { self.context.aggregator.count }
    /// S3 data events skipped because S3 Protection was off.
    public private(set) var s3DataEventsIgnored = 0
    public let thresholds: Thresholds
    public let names: NameTable
    let rules: DetectionRules
    let context: RuleContext
    /// The connections of the open windows, shared by the flow window rules.
    var windows = FlowWindows()
    /// The newest flow window seen (a newer one closes the windows two behind it).
    var newestWindow: Int64 = .min
    /// Flow records waiting for their batch to be evaluated (see `process(_: FlowRecord)`).
    var pendingFlows: [FlowRecord] = []
    /// The views of the batch being evaluated (kept to reuse its storage).
    var views: [FlowView] = []
    /// Interfaces that carry other addresses' traffic (NAT gateways), whose repeats of other resources' findings are
    /// dropped.
    var transit = TransitInterfaces()
    /// Which public address is ours on interfaces whose records are public on both sides.
    var ownPublicAddresses = OwnPublicAddresses()

    public convenience init(
        intelligence: Intelligence, accountId: String = "000000000000", region: String = "us-east-1", detectorId: String,
        thresholds: Thresholds = Thresholds()
    ) {
        self.init(
            intelligence: intelligence, accountId: accountId, region: region, detectorId: detectorId, thresholds: thresholds,
            rules: .standard())
    }

    /// An engine running `rules` (tests run a set without a rule).
    init(
        intelligence: Intelligence, accountId: String = "000000000000", region: String = "us-east-1", detectorId: String,
        thresholds: Thresholds = Thresholds(), rules: DetectionRules
    ) {
        let names = NameTable()
        self.intelligence = intelligence
        self.thresholds = thresholds
        self.names = names
        self.rules = rules
        self.context = RuleContext(
            thresholds: thresholds, intelligence: intelligence, names: names, defaultAccount: accountId,
            defaultRegion: region, aggregator: FindingAggregator(detectorId: detectorId))
        self.context.aggregator.distinctPerResource = thresholds.distinctFindingsPerResource
        self.context.aggregator.windowSeconds = thresholds.windowSeconds
    }

    // MARK: CloudTrail

    public func process(_ event: CloudTrailEvent) {
        let remote = event.sourceIPAddress.flatMap { IPAddress.parse($0.utf8) }
        if let remote, self.intelligence.isTrusted(remote) { return }
        let isS3Data = Self.isS3DataEvent(event)
        // S3 Protection: data events are analysed only while the feature is in force.
        if isS3Data && !self.s3DataEvents {
            self.s3DataEventsIgnored += 1
            return
        }
        let trail = CloudTrailContext(
            account: event.recipientAccountId ?? self.context.defaultAccount, region: event.awsRegion ?? self.context.defaultRegion,
            remote: remote, verdict: remote.map { self.intelligence.verdict($0) }, isS3Data: isS3Data,
            succeeded: event.errorCode == nil && (event.eventName != "ConsoleLogin" || event.consoleLoginResult == "Success")
        )
        let context = self.context
        for rule in self.rules.cloudTrail { rule.process(event, trail, in: context) }
    }

    // MARK: DNS

    public func process(_ query: DNSQuery) {
        // The parsers hand names over lower-cased without the trailing dot; other callers may not.
        var name = query.queryName
        let needsNormalising =
            name.utf8.withContiguousStorageIfAvailable { bytes in
                bytes.last == UInt8(ascii: ".") || bytes.contains { $0 >= 65 && $0 <= 90 }
            } ?? true
        if needsNormalising {
            name = name.lowercased()
            if name.hasSuffix(".") { name.removeLast() }
        }
        let intelligence = self.intelligence
        let (builtIn, custom) = name.withUTF8 { bytes in
            (
                intelligence.builtInDomains.lists(matching: bytes).first,
                intelligence.threatDomains.lists(matching: bytes).map { intelligence.threatDomainListNames[$0] }
            )
        }
        let dns = DNSContext(
            name: name, account: query.accountId ?? self.context.defaultAccount, region: query.region ?? self.context.defaultRegion,
            instance: query.instanceId ?? query.sourceAddress ?? "unknown", builtInList: builtIn, threatLists: custom
        )
        let context = self.context
        for rule in self.rules.dns { rule.process(query, dns, in: context) }
    }

    // MARK: VPC Flow Logs

    /// How many flow records are buffered before they are evaluated.
    static let flowBatch = 256

    /// Takes one flow record. It is evaluated with its batch: asking for findings, baselines or open windows, or
    /// swapping the intelligence, evaluates what is buffered first.
    public func process(_ record: FlowRecord) {
        if self.pendingFlows.capacity < Self.flowBatch { self.pendingFlows.reserveCapacity(Self.flowBatch) }
        self.pendingFlows.append(record)
        if self.pendingFlows.count >= Self.flowBatch { self.drainFlows() }
    }

    /// Takes a batch of flow records (as `FlowLogParser.parse(_:batches:)` hands them over), after any buffered ones.
    public func process(batch records: UnsafeBufferPointer<FlowRecord>) {
        self.drainFlows()
        self.evaluate(records)
    }

    /// Evaluates the buffered flow records.
    func drainFlows() {
        guard !self.pendingFlows.isEmpty else { return }
        var records: [FlowRecord] = []
        swap(&records, &self.pendingFlows)
        records.withUnsafeBufferPointer { self.evaluate($0) }
        records.removeAll(keepingCapacity: true)
        swap(&records, &self.pendingFlows)
    }

    /// The shared per-record work once for the whole batch, then each flow rule over the batch, then the windows.
    func evaluate(_ records: UnsafeBufferPointer<FlowRecord>) {
        let context = self.context
        FlowBatch.prepare(
            records, into: &self.views, intelligence: context.intelligence, windowSeconds: self.thresholds.windowSeconds,
            newestWindow: &self.newestWindow, own: &self.ownPublicAddresses)
        var views: [FlowView] = []
        swap(&views, &self.views)
        views.withUnsafeBufferPointer { views in
            for view in views where view.local.isPrivateOrBogon { self.transit.saw(interface: view.record.pointee.interfaceId, local: view.local) }
            let batch = FlowBatch(views: views)
            for rule in self.rules.flow { rule.process(batch, in: context) }
            self.windows.process(batch, rules: self.rules.flowWindows, in: context)
        }
        swap(&views, &self.views)
    }

    // MARK: results

    /// All findings so far, highest severity first. Every open window is evaluated and closed now; later records
    /// start new windows.
    public func findings() -> [Finding] {
        self.findings(closingWindowsBefore: nil)
    }

    /// All findings so far, with only the windows that end at or before `watermark` (epoch seconds of record time)
    /// evaluated and closed: what a streaming agent calls as its logs advance, so that a window is judged whole.
    public func findings(closingWindowsBefore watermark: Int64?) -> [Finding] {
        self.drainFlows()
        self.windows.close(before: watermark, rules: self.rules.flowWindows, in: self.context)
        for rule in self.rules.all { rule.close(before: watermark, in: self.context) }
        return self.transit.deduplicate(self.context.aggregator.all(), names: self.names, slack: self.thresholds.windowSeconds)
    }

    /// All findings so far, each data source's windows judged against that source's own progress: one source's newer
    /// records (a busy flow log) never close another's windows (two console logins in CloudTrail objects read apart).
    public func findings(closingWindowsBefore watermarks: Watermarks) -> [Finding] {
        self.drainFlows()
        self.windows.close(before: watermarks.flow, rules: self.rules.flowWindows, in: self.context)
        for rule in self.rules.all {
            // A rule of several kinds of records waits for the slowest of them.
            var marks: [Int64] = []
            if rule is any FlowRule { marks.append(watermarks.flow) }
            if rule is any CloudTrailRule { marks.append(watermarks.cloudTrail) }
            if rule is any DNSRule { marks.append(watermarks.dns) }
            if rule is any KubernetesRule { marks.append(watermarks.kubernetes) }
            rule.close(
                before: marks.min() ?? min(watermarks.flow, watermarks.cloudTrail, watermarks.dns, watermarks.kubernetes), in: self.context)
        }
        return self.transit.deduplicate(self.context.aggregator.all(), names: self.names, slack: self.thresholds.windowSeconds)
    }

    /// Takes back findings from an earlier run, so that repeated activity after a restart updates them.
    public func restore(_ findings: [Finding]) {
        for finding in findings { self.context.aggregator.restore(finding) }
    }

    /// Whether any window is still open (its records counted but not yet judged).
    public var hasOpenWindows: Bool {
        !self.pendingFlows.isEmpty || self.windows.hasOpenWindows || self.rules.all.contains { $0.hasOpenWindows }
    }

    // MARK: baselines

    /// The baselines learned so far (an agent keeps them in its checkpoint).
    public func learnedBaselines() -> LearnedBaselines {
        self.drainFlows()
        var learned = LearnedBaselines(instances: [:], principals: [:])
        for case let rule as any BaselineRule in self.rules.all { rule.export(into: &learned, names: self.names) }
        return learned
    }

    /// Takes back baselines learned by an earlier run, so that a restart does not learn again from scratch.
    public func restore(_ learned: LearnedBaselines) {
        for case let rule as any BaselineRule in self.rules.all { rule.restore(learned, names: self.names) }
    }
}
