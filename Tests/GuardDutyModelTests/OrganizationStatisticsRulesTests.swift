import GuardDutyModel
import Testing

/// GetOrganizationStatistics counts members, active members and, per feature, the active members that run it.
@Suite("Organisation statistics")
struct OrganizationStatisticsRulesTests {
    static func features(_ enabled: [DetectorFeature]) -> FeatureSettings {
        var settings = FeatureSettings()
        for feature in enabled { settings.set(feature, .enabled, now: 1) }
        return settings
    }

    @Test func membersActiveMembersAndFeatureCountsFollowTheMembersOwnDetectors() {
        let members: [OrganizationStatisticsRules.Member] = [
            .init(relationship: .enabled, detectorEnabled: true, features: Self.features([.s3DataEvents])),
            .init(relationship: .enabled, detectorEnabled: true, features: Self.features([.eksAuditLogs, .rdsLoginEvents])),
            // Suspended by its own detector, or monitoring stopped by the administrator: a member, not active.
            .init(relationship: .enabled, detectorEnabled: false, features: Self.features([.s3DataEvents])),
            .init(relationship: .disabled, detectorEnabled: true, features: Self.features([.s3DataEvents])),
            // Invited, not yet associated: not counted.
            .init(relationship: .invited, detectorEnabled: true, features: Self.features([.s3DataEvents])),
        ]
        let statistics = OrganizationStatisticsRules.statistics(totalAccounts: 9, enabledAccounts: 6, members: members)
        #expect(statistics.totalAccountsCount == 9)
        #expect(statistics.enabledAccountsCount == 6)
        #expect(statistics.memberAccountsCount == 4)
        #expect(statistics.activeAccountsCount == 2)
        let byName = Dictionary(uniqueKeysWithValues: statistics.countByFeature.map { ($0.name, $0) })
        #expect(Set(byName.keys) == Set(DetectorFeature.allCases.map(\.rawValue)))
        #expect(byName["S3_DATA_EVENTS"]?.enabledAccountsCount == 1)
        #expect(byName["EKS_AUDIT_LOGS"]?.enabledAccountsCount == 1)
        // An older row saying RDS_LOGIN_EVENTS is ENABLED does not count: this server does not analyse it.
        #expect(byName["RDS_LOGIN_EVENTS"]?.enabledAccountsCount == 0)
        #expect(byName["RUNTIME_MONITORING"]?.additionalConfiguration?.map(\.enabledAccountsCount) == [0, 0, 0])
    }

    @Test func anOrganisationWithoutMembersCountsZeroes() {
        let statistics = OrganizationStatisticsRules.statistics(totalAccounts: 2, enabledAccounts: 1, members: [])
        #expect(statistics.memberAccountsCount == 0 && statistics.activeAccountsCount == 0)
        #expect(statistics.countByFeature.allSatisfy { $0.enabledAccountsCount == 0 })
    }
}
