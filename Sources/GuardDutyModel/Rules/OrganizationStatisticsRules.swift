/// What GetOrganizationStatistics counts, for the organisation's delegated administrator in one region. Guardpost's
/// organisation is every account of the installation (the `accounts` table), as for auto-enable ALL.
/// - total: every account of the organisation, the management account and the delegated administrator included;
/// - enabled: the accounts of the organisation with a detector ENABLED in the region (members or not);
/// - member: the delegated administrator's associated members (relationship Enabled or Disabled), whether the
///   organisation or an invitation made them members;
/// - active: the members it monitors (relationship Enabled) whose own detector is ENABLED;
/// - by feature: how many active members have the feature ENABLED in their own detector (a feature this server does
///   not analyse is always 0), and likewise each additional configuration.
public enum OrganizationStatisticsRules {
    /// One member of the delegated administrator as the statistics see it.
    public struct Member: Sendable {
        public var relationship: RelationshipStatus
        public var detectorEnabled: Bool
        public var features: FeatureSettings

        public init(relationship: RelationshipStatus, detectorEnabled: Bool, features: FeatureSettings) {
            self.relationship = relationship
            self.detectorEnabled = detectorEnabled
            self.features = features
        }

        var isActive: Bool { self.relationship == .enabled && self.detectorEnabled }
    }

    public static func statistics(totalAccounts: Int, enabledAccounts: Int, members: [Member]) -> OrganizationStatistics {
        let associated = members.filter { $0.relationship.isAssociated }
        let active = associated.filter(\.isActive)
        let byFeature = DetectorFeature.allCases.map { feature in
            let additional = (FeatureSupport.additionalConfigurations[feature] ?? []).map { extra in
                OrganizationStatistics.AdditionalCount(
                    name: extra.rawValue, enabledAccountsCount: active.count { $0.features.status(of: extra, in: feature) == .enabled }
                )
            }
            return OrganizationStatistics.FeatureCount(
                name: feature.rawValue, enabledAccountsCount: active.count { $0.features.status(of: feature) == .enabled },
                additionalConfiguration: additional.isEmpty ? nil : additional
            )
        }
        return OrganizationStatistics(
            totalAccountsCount: totalAccounts, memberAccountsCount: associated.count, activeAccountsCount: active.count,
            enabledAccountsCount: enabledAccounts, countByFeature: byFeature
        )
    }
}
