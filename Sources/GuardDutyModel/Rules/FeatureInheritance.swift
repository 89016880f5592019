/// How settings flow from an administrator to its members: an associated member runs with its administrator's
/// publishing frequency and features, overridden per feature by what the administrator set for that member
/// (UpdateMemberDetectors, organisation auto-enable); an organisation's auto-enable NEW/ALL switches features on
/// for the members it enrols, and ALL also for those it already has.
public enum FeatureInheritance {
    /// The administrator's features with the member's own overrides on top.
    public static func effectiveMemberFeatures(administrator: FeatureSettings, member: FeatureSettings) -> FeatureSettings {
        var result = administrator
        for (name, state) in member.features {
            result.features[name] = state
        }
        return result
    }

    /// The frequency and features a detector runs with: its own, or, while its account is an associated member,
    /// its administrator's frequency and the member's effective features.
    public static func effectiveSettings(
        own: (frequency: String, features: FeatureSettings),
        administrator: (frequency: String, features: FeatureSettings, member: FeatureSettings)?
    ) -> (frequency: String, features: FeatureSettings) {
        guard let administrator else { return own }
        return (administrator.frequency, Self.effectiveMemberFeatures(administrator: administrator.features, member: administrator.member))
    }

    /// The features a member enrolled by the organisation starts with: every feature whose auto-enable is NEW or ALL.
    public static func enrolledMemberFeatures(_ settings: OrganizationSettings, now: Double) -> FeatureSettings {
        var features = FeatureSettings()
        for feature in DetectorFeature.allCases where settings.autoEnable(feature) != .none {
            features.set(feature, .enabled, now: now)
        }
        return features
    }

    /// The features whose auto-enable is ALL: switched on for every existing organisation member.
    public static func featuresForAllMembers(_ settings: OrganizationSettings) -> [DetectorFeature] {
        DetectorFeature.allCases.filter { settings.autoEnable($0) == .all }
    }

    /// A member's features with every ALL feature switched on.
    public static func applyAll(_ features: [DetectorFeature], to memberFeatures: FeatureSettings, now: Double) -> FeatureSettings {
        var result = memberFeatures
        for feature in features { result.set(feature, .enabled, now: now) }
        return result
    }
}
