/// Rules on feature lists that the model's shapes cannot express.
public enum FeatureRules {
    /// Each feature at most once; EKS_RUNTIME_MONITORING and RUNTIME_MONITORING not together.
    public static func validate(_ features: [DetectorFeatureConfiguration]?) throws {
        guard let features else { return }
        var seen = Set<DetectorFeature>()
        for feature in features {
            guard let name = feature.name else {
                throw GuardDutyError.badRequest("The request is rejected because a feature configuration has no name.")
            }
            guard seen.insert(name).inserted else {
                throw GuardDutyError.badRequest("The request is rejected because feature \(name.rawValue) is listed more than once.")
            }
        }
        if seen.contains(.eksRuntimeMonitoring) && seen.contains(.runtimeMonitoring) {
            throw GuardDutyError.badRequest(
                "The request is rejected because EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot be configured in the same request; use RUNTIME_MONITORING."
            )
        }
    }

    /// An associated member runs with its administrator's features, overridden per feature by what the
    /// administrator set for that member (UpdateMemberDetectors, organisation auto-enable).
    public static func effectiveMemberFeatures(administrator: FeatureSettings, member: FeatureSettings) -> FeatureSettings {
        var result = administrator
        for (name, state) in member.features {
            result.features[name] = state
        }
        return result
    }
}
