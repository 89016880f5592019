import Foundation
import GuardDutyModel

/// The findings the agent has reported, and the updates of them waiting for the publishing frequency.
///
/// A finding seen for the first time is new: it goes to the outbox at once, carrying its latest state. A known finding
/// that changed (count, last seen) is an update: it waits until `nextUpdateAt`, then goes out once, in its latest state.
struct FindingLedger {
    private(set) var known: [String: Finding]
    private(set) var pendingUpdates: Set<String>
    private(set) var nextUpdateAt: Double

    init(_ checkpoint: Checkpoint) {
        self.known = Dictionary(checkpoint.findings.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        self.pendingUpdates = Set(checkpoint.pendingUpdates)
        self.nextUpdateAt = checkpoint.nextUpdateAt
    }

    /// Takes the engine's findings as this agent reports them (its own account, region and detector, whatever the
    /// records name). Returns the new ones, and whether a known one changed.
    mutating func absorb(_ findings: [Finding], config: AgentConfig, detectorId: String) -> (fresh: [Finding], updated: Bool) {
        var fresh: [Finding] = []
        var updated = false
        for var finding in findings {
            finding.accountId = config.accountId
            finding.region = config.region
            finding.service.detectorId = detectorId
            finding.arn = "arn:aws:guardduty:\(config.region):\(config.accountId):detector/\(detectorId)/finding/\(finding.id)"
            if let previous = self.known[finding.id] {
                if previous != finding {
                    self.known[finding.id] = finding
                    self.pendingUpdates.insert(finding.id)
                    updated = true
                }
            } else {
                self.known[finding.id] = finding
                fresh.append(finding)
            }
        }
        return (fresh, updated)
    }

    /// New findings written to the outbox: sent with their latest state, so their changes so far are no update.
    mutating func sentAsNew(_ fresh: [Finding]) {
        for finding in fresh { self.pendingUpdates.remove(finding.id) }
    }

    /// When the publishing frequency changes, the next publication comes no later than one new interval from now.
    mutating func frequencyChanged(interval: Double, now: Double) {
        self.nextUpdateAt = min(self.nextUpdateAt, now + interval)
    }

    /// The updates to publish now (oldest id first), if their time has come; nil when it has not. The next publication
    /// is then one `interval` away.
    mutating func dueUpdates(now: Double, interval: Double) -> [Finding]? {
        guard now >= self.nextUpdateAt else { return nil }
        let due = self.pendingUpdates.sorted().compactMap { self.known[$0] }
        self.pendingUpdates.removeAll()
        self.nextUpdateAt = now + interval
        return due
    }

    /// The ledger's part of the checkpoint.
    func save(into checkpoint: inout Checkpoint) {
        checkpoint.findings = Array(self.known.values)
        checkpoint.pendingUpdates = Array(self.pendingUpdates)
        checkpoint.nextUpdateAt = self.nextUpdateAt
    }
}
