import GuardDutyModel
import Testing

/// Who may read or change which detector, and the tagging limits.
@Suite("Detector access")
struct DetectorAccessTests {
    @Test func aDetectorAnswersOnlyItsOwnAccountInItsOwnRegion() {
        #expect(throws: Never.self) {
            try DetectorAccess.requireOwned(owner: ("111111111111", "us-east-1"), accountId: "111111111111", region: "us-east-1")
        }
        for owner in [("222222222222", "us-east-1"), ("111111111111", "eu-west-1")] {
            #expect(throws: GuardDutyError.detectorNotOwned) {
                try DetectorAccess.requireOwned(owner: owner, accountId: "111111111111", region: "us-east-1")
            }
        }
        #expect(throws: GuardDutyError.detectorNotOwned) {
            try DetectorAccess.requireOwned(owner: nil, accountId: "111111111111", region: "us-east-1")
        }
    }

    @Test func aSecondDetectorIsRefusedUnlessTheClientTokenRepeats() throws {
        #expect(try DetectorAccess.createDetector(existing: nil, clientToken: "t") == nil)
        #expect(try DetectorAccess.createDetector(existing: ("d1", "t"), clientToken: "t") == "d1")
        #expect(throws: GuardDutyError.self) { try DetectorAccess.createDetector(existing: ("d1", "t"), clientToken: "other") }
        #expect(throws: GuardDutyError.self) { try DetectorAccess.createDetector(existing: ("d1", ""), clientToken: "") }
    }

    @Test func aMemberMayEnableItsDetectorButNotChangeItsSettings() {
        #expect(throws: Never.self) { try DetectorAccess.updateDetector(changesSettings: false, administrator: "222222222222") }
        #expect(throws: Never.self) { try DetectorAccess.updateDetector(changesSettings: true, administrator: nil) }
        #expect(throws: GuardDutyError.self) { try DetectorAccess.updateDetector(changesSettings: true, administrator: "222222222222") }
    }

    @Test func detectorsWithMembersOrOfMembersAreNotDeleted() {
        #expect(throws: Never.self) { try DetectorAccess.deleteDetector(invitedOrAssociatedMembers: 0, administrator: nil) }
        #expect(
            throws: GuardDutyError.badRequest(
                "The request is rejected because the detector has 3 invited or associated member accounts; disassociate and delete them first."
            )
        ) {
            try DetectorAccess.deleteDetector(invitedOrAssociatedMembers: 3, administrator: nil)
        }
        #expect(throws: GuardDutyError.self) { try DetectorAccess.deleteDetector(invitedOrAssociatedMembers: 0, administrator: "222222222222") }
    }

    @Test func onlyTheAdministratorArchivesAMembersFindings() {
        #expect(throws: Never.self) { try DetectorAccess.requireNotMember(enabledAdministrator: nil, doing: "archive findings") }
        #expect(
            throws: GuardDutyError.badRequest(
                "The request is rejected because the current account is a member of administrator account 222222222222; "
                    + "only the administrator account can create suppression rules."
            )
        ) {
            try DetectorAccess.requireNotMember(enabledAdministrator: "222222222222", doing: "create suppression rules")
        }
    }

    @Test func taggingArnsMustNameTheCallersDetector() throws {
        let arn = "arn:aws:guardduty:us-east-1:111111111111:detector/abc"
        #expect(try DetectorAccess.detectorId(fromArn: arn, accountId: "111111111111", region: "us-east-1") == "abc")
        #expect(throws: GuardDutyError.self) { try DetectorAccess.detectorId(fromArn: arn, accountId: "222222222222", region: "us-east-1") }
        #expect(throws: GuardDutyError.self) {
            try DetectorAccess.detectorId(fromArn: "arn:aws:s3:::bucket", accountId: "111111111111", region: "us-east-1")
        }
    }

    @Test func aResourceKeepsAtMostFiftyTags() throws {
        let existing = Dictionary(uniqueKeysWithValues: (0..<49).map { ("k\($0)", "v") })
        #expect(try TagRules.merge(existing, ["k0": "new", "extra": "v"]).count == 50)
        #expect(throws: GuardDutyError.self) { try TagRules.merge(existing, ["a": "v", "b": "v"]) }
        #expect(throws: GuardDutyError.self) { try TagRules.untagKeys([]) }
        #expect(throws: GuardDutyError.self) { try TagRules.untagKeys(["aws:reserved"]) }
        #expect(throws: Never.self) { try TagRules.untagKeys(["team"]) }
    }
}
