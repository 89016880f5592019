/// Rules on feature lists that the model's shapes cannot express.
public enum FeatureRules {
    /// Each feature at most once; EKS_RUNTIME_MONITORING and RUNTIME_MONITORING not together.
    public static func validate(_ features: [DetectorFeatureConfiguration]?) throws {
        guard let features else { return }
        try Self.validate(names: features.map(\.name))
    }

    /// The same rule for any list of feature names (detector and organisation configurations).
    public static func validate(names: [DetectorFeature?]) throws {
        var seen = Set<DetectorFeature>()
        for name in names {
            guard let name else {
                throw GuardDutyError.badRequest("The request is rejected because a feature configuration has no name.")
            }
            guard seen.insert(name).inserted else {
                throw GuardDutyError.badRequest("The request is rejected because feature \(name.rawValue) is listed more than once.")
            }
        }
        if seen.contains(.eksRuntimeMonitoring) && seen.contains(.runtimeMonitoring) {
            throw GuardDutyError.badRequest(
                "The request is rejected because EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot be configured in the same request; use "
                    + "RUNTIME_MONITORING."
            )
        }
    }
}
