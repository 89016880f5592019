import Foundation
import GuardDutyModel
import Testing

/// Settings flowing from an administrator to its members, and the organisation path's rules.
@Suite("Feature inheritance and the organisation")
struct InheritanceAndOrganizationTests {
    static func request(_ json: String) throws -> UpdateOrganizationConfigurationRequest {
        try JSONDecoder().decode(UpdateOrganizationConfigurationRequest.self, from: Data(json.utf8))
    }

    @Test func anAssociatedMemberRunsWithItsAdministratorsFrequencyOnly() {
        #expect(FeatureInheritance.effectiveFrequency(own: "SIX_HOURS", administrator: nil) == "SIX_HOURS")
        #expect(FeatureInheritance.effectiveFrequency(own: "SIX_HOURS", administrator: "FIFTEEN_MINUTES") == "FIFTEEN_MINUTES")
    }

    /// auto-enable per feature → enabled for a newly enrolled member? for every existing member?
    static let autoEnable: [(AutoEnable, Bool, Bool)] = [(.none, false, false), (.new, true, false), (.all, true, true)]

    @Test func autoEnableNewCoversEnrolledMembersAndAllCoversEveryMember() {
        for (value, enrolled, everyone) in Self.autoEnable {
            let settings = OrganizationSettings(autoEnableOrganizationMembers: .new, features: [DetectorFeature.s3DataEvents.rawValue: value])
            let features = FeatureInheritance.enrolledMemberFeatures(settings, current: FeatureSettings(), now: 1)
            #expect((features.status(of: .s3DataEvents) == .enabled) == enrolled)
            #expect(FeatureInheritance.featuresForAllMembers(settings).contains(.s3DataEvents) == everyone)
        }
        let applied = FeatureInheritance.applyAll([.s3DataEvents], to: FeatureSettings(), now: 5)
        #expect(applied.status(of: .s3DataEvents) == .enabled)
    }

    @Test func enrolmentKeepsWhatTheMemberHadAndNeverSwitchesOnAnUnprovidedFeature() {
        var current = FeatureSettings()
        current.set(.s3DataEvents, .enabled, now: 1)
        // An older row may still say NEW for a feature Guardpost does not analyse.
        let settings = OrganizationSettings(autoEnableOrganizationMembers: .new, features: [DetectorFeature.rdsLoginEvents.rawValue: .all])
        let enrolled = FeatureInheritance.enrolledMemberFeatures(settings, current: current, now: 2)
        #expect(enrolled.status(of: .s3DataEvents) == .enabled)
        #expect(enrolled.features[DetectorFeature.rdsLoginEvents.rawValue] == nil)
        #expect(FeatureInheritance.featuresForAllMembers(settings).isEmpty)
    }

    @Test func onlyTheManagementAccountManagesTheDelegatedAdministrator() {
        #expect(throws: Never.self) { try OrganizationRules.requireManagement(true) }
        #expect(throws: OrganizationRules.notManagement) { try OrganizationRules.requireManagement(false) }
        #expect(throws: OrganizationRules.notDelegatedAdmin) { try OrganizationRules.requireDelegatedAdmin(current: nil, accountId: "111111111111") }
    }

    @Test func anOrganizationHasOneDelegatedAdministratorThatIsNoMember() {
        let admin = "111111111111"
        #expect(throws: Never.self) {
            try OrganizationRules.enableAdmin(admin, designated: [("eu-west-1", admin)], administratorOfAdmin: nil, region: "us-east-1")
        }
        #expect(throws: GuardDutyError.self) {
            try OrganizationRules.enableAdmin(admin, designated: [("eu-west-1", "222222222222")], administratorOfAdmin: nil, region: "us-east-1")
        }
        #expect(throws: GuardDutyError.self) {
            try OrganizationRules.enableAdmin(admin, designated: [], administratorOfAdmin: "333333333333", region: "us-east-1")
        }
        #expect(throws: GuardDutyError.self) { try OrganizationRules.disableAdmin(admin, current: "222222222222", region: "us-east-1") }
    }

    @Test func theLegacyAutoEnableFlagMustAgreeWithAutoEnableOrganizationMembers() throws {
        #expect(try OrganizationRules.requestedAutoEnable(Self.request(#"{"autoEnable": true}"#)) == .new)
        #expect(try OrganizationRules.requestedAutoEnable(Self.request(#"{"autoEnable": false}"#)) == AutoEnable.none)
        #expect(try OrganizationRules.requestedAutoEnable(Self.request(#"{"autoEnableOrganizationMembers": "ALL", "autoEnable": true}"#)) == .all)
        #expect(throws: GuardDutyError.self) { try OrganizationRules.requestedAutoEnable(Self.request("{}")) }
        #expect(throws: GuardDutyError.self) {
            try OrganizationRules.requestedAutoEnable(Self.request(#"{"autoEnableOrganizationMembers": "NONE", "autoEnable": true}"#))
        }
        #expect(throws: GuardDutyError.self) {
            try OrganizationRules.requestedAutoEnable(
                Self.request(
                    #"{"autoEnable": true, "features": [{"name": "RUNTIME_MONITORING"}, {"name": "EKS_RUNTIME_MONITORING"}]}"#
                ))
        }
    }

    @Test func anUpdateSetsEachFeaturesAutoEnable() throws {
        let request = try Self.request(#"{"autoEnable": true, "features": [{"name": "S3_DATA_EVENTS", "autoEnable": "ALL"}]}"#)
        let settings = OrganizationRules.apply(request, autoEnable: .new, to: OrganizationSettings())
        #expect(settings.autoEnableOrganizationMembers == .new)
        #expect(settings.autoEnable(.s3DataEvents) == .all)
        #expect(OrganizationRules.memberAccountLimitReached(memberCount: 50_000))
        #expect(!OrganizationRules.memberAccountLimitReached(memberCount: 49_999))
    }
}
