import GuardDutyModel
import Testing

/// GuardDuty's relationship state machine: Created → Invited → Enabled ⇄ Disabled, Removed, Resigned.
@Suite("Membership state machine")
struct MembershipRulesTests {
    @Test func invitingMovesEveryUnassociatedMemberToInvited() {
        for status in [RelationshipStatus.created, .invited, .removed, .resigned] {
            #expect(MembershipRules.invite(status) == .moveTo(.invited))
        }
        #expect(MembershipRules.invite(.enabled) == .rejected(MembershipRules.Reason.alreadyInvitedOrAssociated))
        #expect(MembershipRules.invite(.disabled) == .rejected(MembershipRules.Reason.alreadyInvitedOrAssociated))
    }

    @Test func monitoringTogglesOnlyAssociatedMembers() {
        #expect(MembershipRules.stopMonitoring(.enabled, organizationAll: false) == .moveTo(.disabled))
        #expect(MembershipRules.stopMonitoring(.disabled, organizationAll: false) == .unchanged)
        #expect(MembershipRules.stopMonitoring(.invited, organizationAll: false) == .rejected(MembershipRules.Reason.notAssociated))
        #expect(MembershipRules.stopMonitoring(.enabled, organizationAll: true) == .rejected(MembershipRules.Reason.organizationAll))
        #expect(MembershipRules.startMonitoring(.disabled) == .moveTo(.enabled))
        #expect(MembershipRules.startMonitoring(.created) == .rejected(MembershipRules.Reason.notAssociated))
    }

    @Test func disassociatingRemovesButKeepsTheRecord() {
        #expect(MembershipRules.disassociate(.enabled, organizationAll: false) == .moveTo(.removed))
        #expect(MembershipRules.disassociate(.invited, organizationAll: false) == .moveTo(.removed))
        #expect(MembershipRules.disassociate(.removed, organizationAll: false) == .unchanged)
        #expect(MembershipRules.disassociate(.created, organizationAll: false) == .rejected(MembershipRules.Reason.notAssociated))
        #expect(MembershipRules.disassociate(.enabled, organizationAll: true) == .rejected(MembershipRules.Reason.organizationAll))
    }

    @Test func associatedMembersCannotBeDeleted() {
        #expect(MembershipRules.delete(.enabled) == .rejected(MembershipRules.Reason.stillAssociated))
        #expect(MembershipRules.delete(.disabled) == .rejected(MembershipRules.Reason.stillAssociated))
        #expect(MembershipRules.delete(.removed) == .delete)
        #expect(MembershipRules.delete(.created) == .delete)
    }

    @Test func aResignedMemberMayAcceptAgain() {
        #expect(MembershipRules.accept(.invited) == .moveTo(.enabled))
        #expect(MembershipRules.accept(.resigned) == .moveTo(.enabled))
        #expect(MembershipRules.accept(.created) == .rejected(MembershipRules.Reason.noInvitation))
        #expect(MembershipRules.resign(.enabled) == .moveTo(.resigned))
        #expect(MembershipRules.resign(.invited) == .rejected(MembershipRules.Reason.notAssociated))
    }

    @Test func onlyRemovedMembersCanBeCreatedAgain() {
        #expect(MembershipRules.recreate(.removed) == .moveTo(.created))
        #expect(MembershipRules.recreate(.resigned) == .rejected(MembershipRules.Reason.alreadyMember))
    }
}
