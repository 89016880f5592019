import GuardDutyModel

/// One occurrence of a finding type, before aggregation.
struct Observation {
    var type: FindingType
    /// What identifies "the same activity" for this type (resource, role, remote party).
    var key: String
    var time: Int64
    var accountId: String
    var region: String
    var resource: Finding.Resource
    var resourceRole: String
    var action: Finding.Action
    var evidence: Finding.Evidence?
    var description: String
    /// How many underlying events this observation stands for (connection attempts, queries…).
    var weight: Int = 1
    /// Overrides the type's default severity (brute force by the instance itself is High).
    var severity: Double? = nil
}
