import Crypto
import Foundation
import GuardDutyModel

/// Folds repeated activity into one finding per (account, region, type, key): `service.count` grows,
/// `eventFirstSeen`/`eventLastSeen` widen. The details kept are those of the earliest observation, so the result
/// does not depend on the order records arrive in.
///
/// The cost of a finding is bounded twice. A resource (interface, role) gets at most `distinctPerResource` new findings
/// of a type per window of record time; what it does past that in the window is counted in one summary finding of the
/// resource ("and N more": `service.count` is N, the occurrences left out, and `additionalInfo` says so). And the
/// aggregator holds at most `maxFindings` findings (the agent's `--max-memory-mb`): past it, every new finding of a
/// type is counted in that type's summary for the account. A summary shows the first occurrence it counts.
final class FindingAggregator {
    private var entries: [AggregatedFinding] = []
    private var byId: [String: Int] = [:]
    /// The flow rules' findings by compact key (see `FindingKey`).
    private var byKey: [FindingKey: Int] = [:]
    /// New findings per resource summary key in its current window: (window, how many).
    private var windowCounts: [FindingKey: (window: Int64, distinct: Int)] = [:]
    /// Findings of the flow rules' types taken back from a checkpoint and not yet found again under their compact key.
    private var unlinkedRestored = 0
    let detectorId: String
    /// New findings of one type a resource may raise per window before the rest is summarised.
    var distinctPerResource = 100
    /// The window `distinctPerResource` counts over (seconds of record time).
    var windowSeconds: Int64 = 600
    /// Findings held at most (summaries come on top: one per resource and type, or per account and type).
    var maxFindings = Int.max

    init(detectorId: String) {
        self.detectorId = detectorId
    }

    /// How many findings (summaries included) are held.
    var count: Int { self.entries.count }

    /// The first 16 bytes of the SHA-256 of (account, region, type, key), in lowercase hex: built in one buffer (a
    /// string per byte, and an array of characters per byte, were a measurable part of each new finding's cost).
    static func findingId(_ observation: Observation) -> String {
        let key = "\(observation.accountId)|\(observation.region)|\(observation.type.rawValue)|\(observation.key)"
        let digest = SHA256.hash(data: Array(key.utf8))
        return String(unsafeUninitializedCapacity: 32) { text in
            var index = 0
            for byte in digest.prefix(16) {
                text[index] = Self.hexDigits[Int(byte >> 4)]
                text[index + 1] = Self.hexDigits[Int(byte & 15)]
                index += 2
            }
            return 32
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Adds one observation of a flow rule, known by its compact key: a repeat of a held finding updates its count and
    /// span without calling `observe`, which builds the observation's strings (called for a new finding, or for an
    /// occurrence at or before the finding's earliest, whose details may replace it).
    @inline(__always)
    func add(_ key: FindingKey, time: Int64, weight: Int = 1, observe: () -> Observation) {
        if let index = self.byKey[key] {
            self.update(index, time: time, weight: weight, observe: observe)
            return
        }
        // Past a limit, a hit counted in an existing summary builds nothing either (unless a finding taken back from a
        // checkpoint may be this one: only its id, made from the observation, tells).
        if self.unlinkedRestored == 0, let summary = self.summaryKey(key, time: time) {
            let existing =
                self.byKey[summary]
                ?? (summary.scope == .resourceSummary && self.entries.count >= self.maxFindings
                    ? self.byKey[summary.summary(.accountSummary)] : nil)
            if let index = existing {
                self.update(index, time: time, weight: weight, observe: observe)
                return
            }
        }
        self.addNew(key, observation: observe())
    }

    /// The summary a new finding of `key` at `time` is counted in, or nil when it may be a finding of its own.
    private func summaryKey(_ key: FindingKey, time: Int64) -> FindingKey? {
        let group = key.summary(.resourceSummary)
        if let counted = self.windowCounts[group], time / max(self.windowSeconds, 1) <= counted.window,
            counted.distinct >= self.distinctPerResource
        {
            return group
        }
        return self.entries.count >= self.maxFindings ? key.summary(.accountSummary) : nil
    }

    /// Adds one observation (the rules without a compact key).
    func add(_ observation: Observation) {
        guard FindingCatalog.info(observation.type) != nil else { return }
        let id = Self.findingId(observation)
        if let index = self.byId[id] {
            self.update(index, time: observation.time, weight: observation.weight) { observation }
            return
        }
        guard self.entries.count < self.maxFindings else {
            self.summarise(observation, scope: .accountSummary, key: nil)
            return
        }
        self.insert(id: id, observation: observation, key: nil)
    }

    private func update(_ index: Int, time: Int64, weight: Int, observe: () -> Observation) {
        self.entries[index].count = self.entries[index].count.addingClamped(weight)
        self.entries[index].firstSeen = min(self.entries[index].firstSeen, time)
        self.entries[index].lastSeen = max(self.entries[index].lastSeen, time)
        // A summary keeps the first occurrence it counted; a finding the earliest observation's details.
        guard self.entries[index].scope == .finding, time <= self.entries[index].first.time else { return }
        var observation = observe()
        guard (observation.time, observation.description) < (self.entries[index].first.time, self.entries[index].first.description) else { return }
        observation.key = ""
        self.entries[index].first = observation
        self.entries[index].detailsChanged = true
    }

    private func addNew(_ key: FindingKey, observation: Observation) {
        guard FindingCatalog.info(observation.type) != nil else { return }
        let id = Self.findingId(observation)
        if let index = self.byId[id] {
            // Taken back from a checkpoint.
            if self.entries[index].restored != nil, self.entries[index].scope == .finding, !self.entries[index].linked {
                self.entries[index].linked = true
                self.unlinkedRestored -= 1
            }
            self.byKey[key] = index
            self.update(index, time: observation.time, weight: observation.weight) { observation }
            return
        }
        let group = key.summary(.resourceSummary)
        let window = observation.time / max(self.windowSeconds, 1)
        var counted = self.windowCounts[group] ?? (window, 0)
        if window > counted.window { counted = (window, 0) }
        guard counted.distinct < self.distinctPerResource else {
            self.summarise(observation, scope: .resourceSummary, key: group)
            return
        }
        guard self.entries.count < self.maxFindings else {
            self.summarise(observation, scope: .accountSummary, key: key.summary(.accountSummary))
            return
        }
        counted.distinct += 1
        self.windowCounts[group] = counted
        self.insert(id: id, observation: observation, key: key)
    }

    /// Counts `observation` in the summary of its resource or account, made when first needed (a resource's summary
    /// gives way to the account's when the aggregator is full).
    private func summarise(_ observation: Observation, scope: FindingKey.Scope, key: FindingKey?) {
        if let key, let index = self.byKey[key] {
            self.update(index, time: observation.time, weight: observation.weight) { observation }
            return
        }
        if scope == .resourceSummary, self.entries.count >= self.maxFindings {
            self.summarise(observation, scope: .accountSummary, key: key?.summary(.accountSummary))
            return
        }
        var summary = observation
        if scope == .resourceSummary, let bar = observation.key.lastIndex(of: "|") {
            summary.key = observation.key[..<bar] + "|+more"
        } else {
            summary.key = "+more"
        }
        let id = Self.findingId(summary)
        if let index = self.byId[id] {
            if let key { self.byKey[key] = index }
            self.update(index, time: observation.time, weight: observation.weight) { observation }
            return
        }
        self.insert(id: id, observation: observation, key: key, scope: scope)
    }

    private func insert(id: String, observation: Observation, key: FindingKey?, scope: FindingKey.Scope = .finding) {
        var first = observation
        first.key = ""
        self.byId[id] = self.entries.count
        if let key { self.byKey[key] = self.entries.count }
        self.entries.append(
            AggregatedFinding(id: id, first: first, firstSeen: observation.time, lastSeen: observation.time, count: observation.weight, scope: scope))
    }

    /// `service.additionalInfo`: never a sample (CreateSampleFindings marks its own with "sample": true), and the name of
    /// the list or feed that matched, as GuardDuty gives `threatListName`.
    static func additionalInfo(_ evidence: Finding.Evidence?) -> Finding.AdditionalInfo {
        guard let name = evidence?.threatIntelligenceDetails.first?.threatListName else {
            return Finding.AdditionalInfo(value: #"{"sample":false}"#)
        }
        var quoted = JSONTextWriter(pretty: false, capacity: name.utf8.count + 2)
        quoted.value(name)
        return Finding.AdditionalInfo(value: #"{"sample":false,"threatListName":"# + String(decoding: quoted.bytes, as: UTF8.self) + "}")
    }

    /// A summary's `additionalInfo`: what it stands for and how many occurrences it counts ("and N more").
    func summaryInfo(_ entry: AggregatedFinding) -> Finding.AdditionalInfo {
        var value = Self.additionalInfo(entry.first.evidence).value
        value.removeLast()
        let limit =
            entry.scope == .resourceSummary
            ? #""summaryOf":"resource","limit":\#(self.distinctPerResource),"limitWindowSeconds":\#(self.windowSeconds)"#
            : #""summaryOf":"account","limit":\#(self.maxFindings)"#
        return Finding.AdditionalInfo(value: value + #","omittedCount":\#(entry.count),"# + limit + "}")
    }

    /// The types the flow rules add by compact key.
    static let compactTypes: Set<String> = [
        FindingType.unauthorizedAccessEC2MaliciousIPCallerCustom, .unauthorizedAccessEC2TorClient, .unauthorizedAccessEC2TorIPCaller,
        .cryptoCurrencyEC2BitcoinToolB, .trojanEC2BlackholeTraffic, .backdoorEC2CCActivityB,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// Takes back a finding from an earlier run (an agent's checkpoint), so that new occurrences add to its count.
    func restore(_ finding: Finding) {
        let first = Observation(
            type: FindingType(finding.type), key: "", time: Timestamps.parse(finding.service.eventFirstSeen) ?? 0, accountId: finding.accountId,
            region: finding.region, resource: finding.resource, resourceRole: finding.service.resourceRole, action: finding.service.action,
            evidence: finding.service.evidence,
            description: finding.description
        )
        let entry = AggregatedFinding(
            id: finding.id, first: first, firstSeen: first.time, lastSeen: Timestamps.parse(finding.service.eventLastSeen) ?? first.time,
            count: finding.service.count, restored: finding)
        if let index = self.byId[finding.id] {
            self.entries[index] = entry
        } else {
            self.byId[finding.id] = self.entries.count
            self.entries.append(entry)
            if Self.compactTypes.contains(finding.type) { self.unlinkedRestored += 1 }
        }
    }

    /// The finding an entry stands for, its strings built now.
    func finding(_ entry: AggregatedFinding) -> Finding? {
        let observation = entry.first
        let firstSeen = Timestamps.format(entry.firstSeen)
        let lastSeen = Timestamps.format(entry.lastSeen)
        if var finding = entry.restored {
            finding.service.count = entry.count
            finding.service.eventFirstSeen = firstSeen
            finding.service.eventLastSeen = lastSeen
            finding.createdAt = firstSeen
            finding.updatedAt = lastSeen
            if entry.detailsChanged {
                finding.service.action = observation.action
                finding.description = observation.description
                finding.resource = observation.resource
                finding.service.evidence = observation.evidence
                finding.service.additionalInfo = Self.additionalInfo(observation.evidence)
            }
            return finding
        }
        guard let info = FindingCatalog.info(observation.type) else { return nil }
        var description = observation.description
        var additionalInfo = Self.additionalInfo(observation.evidence)
        switch entry.scope {
        case .finding: break
        case .resourceSummary:
            description =
                "\(entry.count) more occurrences of this activity on this resource than the \(self.distinctPerResource) distinct findings "
                + "per \(self.windowSeconds) s reported on their own; the first: \(description)"
            additionalInfo = self.summaryInfo(entry)
        case .accountSummary:
            description =
                "\(entry.count) more occurrences of this finding type past the agent's limit of \(self.maxFindings) findings held "
                + "(--max-memory-mb); the first: \(description)"
            additionalInfo = self.summaryInfo(entry)
        }
        return Finding(
            accountId: observation.accountId,
            arn: "arn:aws:guardduty:\(observation.region):\(observation.accountId):detector/\(self.detectorId)/finding/\(entry.id)",
            createdAt: firstSeen, description: description, id: entry.id, region: observation.region,
            resource: observation.resource,
            service: Finding.Service(
                action: observation.action, evidence: observation.evidence, count: entry.count, detectorId: self.detectorId,
                eventFirstSeen: firstSeen, eventLastSeen: lastSeen, resourceRole: observation.resourceRole,
                additionalInfo: additionalInfo, featureName: info.featureName
            ),
            severity: observation.severity ?? info.severity, title: info.title, type: observation.type.rawValue, updatedAt: lastSeen
        )
    }

    /// Findings sorted by severity (highest first), then type and id. The entries are put in order first and each
    /// finding is built in its place, so a finding (a large value) is never moved by the sort.
    func all() -> [Finding] {
        let keys: [(severity: Double, type: String, id: String, index: Int)] = self.entries.indices.compactMap { index in
            let entry = self.entries[index]
            if let restored = entry.restored { return (restored.severity, restored.type, restored.id, index) }
            guard let info = FindingCatalog.info(entry.first.type) else { return nil }
            return (entry.first.severity ?? info.severity, entry.first.type.rawValue, entry.id, index)
        }
        return keys.sorted { ($0.severity, $1.type, $1.id) > ($1.severity, $0.type, $0.id) }.compactMap { self.finding(self.entries[$0.index]) }
    }
}
