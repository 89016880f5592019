import Crypto
import Foundation
import GuardDutyModel

/// Folds repeated activity into one finding per (account, region, type, key): `service.count` grows,
/// `eventFirstSeen`/`eventLastSeen` widen. The details kept are those of the earliest observation, so the result
/// does not depend on the order records arrive in.
final class FindingAggregator {
    private var findings: [String: (finding: Finding, first: Observation)] = [:]
    let detectorId: String

    init(detectorId: String) {
        self.detectorId = detectorId
    }

    static func findingId(_ observation: Observation) -> String {
        let key = "\(observation.accountId)|\(observation.region)|\(observation.type.rawValue)|\(observation.key)"
        return SHA256.hash(data: Array(key.utf8)).prefix(16).map { byte in
            let hex = Array("0123456789abcdef")
            return String([hex[Int(byte >> 4)], hex[Int(byte & 15)]])
        }.joined()
    }

    func add(_ observation: Observation) {
        guard let info = FindingCatalog.info(observation.type) else { return }
        let id = Self.findingId(observation)
        if var existing = self.findings[id] {
            existing.finding.service.count = existing.finding.service.count.addingClamped(observation.weight)
            let first = min(Timestamps.parse(existing.finding.service.eventFirstSeen) ?? observation.time, observation.time)
            let last = max(Timestamps.parse(existing.finding.service.eventLastSeen) ?? observation.time, observation.time)
            existing.finding.service.eventFirstSeen = Timestamps.format(first)
            existing.finding.service.eventLastSeen = Timestamps.format(last)
            existing.finding.createdAt = existing.finding.service.eventFirstSeen
            existing.finding.updatedAt = existing.finding.service.eventLastSeen
            if (observation.time, observation.description) < (existing.first.time, existing.first.description) {
                existing.first = observation
                existing.finding.service.action = observation.action
                existing.finding.description = observation.description
                existing.finding.resource = observation.resource
                existing.finding.service.evidence = observation.evidence
                existing.finding.service.additionalInfo = Self.additionalInfo(observation.evidence)
            }
            self.findings[id] = existing
            return
        }
        let time = Timestamps.format(observation.time)
        let finding = Finding(
            accountId: observation.accountId,
            arn: "arn:aws:guardduty:\(observation.region):\(observation.accountId):detector/\(self.detectorId)/finding/\(id)",
            createdAt: time, description: observation.description, id: id, region: observation.region,
            resource: observation.resource,
            service: Finding.Service(
                action: observation.action, evidence: observation.evidence, count: observation.weight, detectorId: self.detectorId,
                eventFirstSeen: time, eventLastSeen: time, resourceRole: observation.resourceRole,
                additionalInfo: Self.additionalInfo(observation.evidence), featureName: info.featureName
            ),
            severity: observation.severity ?? info.severity, title: info.title, type: observation.type.rawValue, updatedAt: time
        )
        self.findings[id] = (finding, observation)
    }

    /// `service.additionalInfo`: never a sample (CreateSampleFindings marks its own with "sample": true), and the name of
    /// the list or feed that matched, as GuardDuty gives `threatListName`.
    static func additionalInfo(_ evidence: Finding.Evidence?) -> Finding.AdditionalInfo {
        guard let name = evidence?.threatIntelligenceDetails.first?.threatListName,
            let encoded = try? JSONEncoder().encode(name), let quoted = String(data: encoded, encoding: .utf8)
        else { return Finding.AdditionalInfo(value: #"{"sample":false}"#) }
        return Finding.AdditionalInfo(value: #"{"sample":false,"threatListName":"# + quoted + "}")
    }

    /// Takes back a finding from an earlier run (an agent's checkpoint), so that new occurrences add to its count.
    func restore(_ finding: Finding) {
        let first = Observation(
            type: FindingType(finding.type), key: "", time: Timestamps.parse(finding.service.eventFirstSeen) ?? 0, accountId: finding.accountId,
            region: finding.region, resource: finding.resource, resourceRole: finding.service.resourceRole, action: finding.service.action,
            evidence: finding.service.evidence,
            description: finding.description
        )
        self.findings[finding.id] = (finding, first)
    }

    /// Findings sorted by severity (highest first), then type and id.
    func all() -> [Finding] {
        self.findings.values.map(\.finding).sorted {
            ($0.severity, $1.type, $1.id) > ($1.severity, $0.type, $0.id)
        }
    }
}
