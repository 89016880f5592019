import GuardDutyModel

/// A detector row as the stores use it.
struct DetectorRow: Sendable {
    var detectorId: String
    var accountId: String
    var region: String
    var status: String
    var frequency: String
    var features: FeatureSettings
    var tags: [String: String]
    var createdAt: String
    var updatedAt: String
    var createdEpoch: Double
    /// Moves on every change an agent of this detector must apply (`AgentConfig.version`).
    var configVersion: Int
}
