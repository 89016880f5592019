/// How settings flow from an administrator to its members, as in GuardDuty: an associated member's features are its
/// own detector's, which its administrator sets (UpdateMemberDetectors, organisation auto-enable) — they are never
/// copied from the administrator's own detector. Only the finding publishing frequency follows the administrator.
/// An organisation's auto-enable NEW/ALL switches features on for the members it enrols, and ALL also for those it
/// already has; features this server does not analyse (`FeatureSupport`) are never switched on.
public enum FeatureInheritance {
    /// The publishing frequency a detector runs with: its administrator's while its account is an associated member.
    public static func effectiveFrequency(own: String, administrator: String?) -> String {
        administrator ?? own
    }

    /// The features of a member the organisation enrols: its detector's features, with every provided feature whose
    /// auto-enable is NEW or ALL switched on (NONE leaves a feature as the account had it).
    public static func enrolledMemberFeatures(_ settings: OrganizationSettings, current: FeatureSettings, now: Double) -> FeatureSettings {
        let enrolled = DetectorFeature.allCases.filter { settings.autoEnable($0) != .none && FeatureSupport.isProvided($0) }
        return Self.applyAll(enrolled, to: current, now: now)
    }

    /// The provided features whose auto-enable is ALL: switched on for every existing organisation member.
    public static func featuresForAllMembers(_ settings: OrganizationSettings) -> [DetectorFeature] {
        DetectorFeature.allCases.filter { settings.autoEnable($0) == .all && FeatureSupport.isProvided($0) }
    }

    /// A member's features with each of `features` switched on.
    public static func applyAll(_ features: [DetectorFeature], to memberFeatures: FeatureSettings, now: Double) -> FeatureSettings {
        var result = memberFeatures
        for feature in features { result.set(feature, .enabled, now: now) }
        return result
    }
}
