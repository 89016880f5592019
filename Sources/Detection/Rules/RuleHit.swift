import GuardDutyModel

/// One finding a rule raised for one record, before it becomes an `Observation`.
struct RuleHit {
    var type: FindingType
    var description: String
    var evidence: Finding.Evidence? = nil

    /// Threat-intelligence evidence naming the lists that matched.
    static func evidence(lists: [String]) -> Finding.Evidence {
        Finding.Evidence(threatIntelligenceDetails: lists.map { Finding.ThreatIntelligenceDetail(threatListName: $0) })
    }
}
