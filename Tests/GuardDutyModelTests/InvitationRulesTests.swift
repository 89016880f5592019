import GuardDutyModel
import Testing

/// The member's side: declining, deleting and accepting invitations, and leaving an administrator.
@Suite("Invitation rules")
struct InvitationRulesTests {
    typealias State = MembershipRules.InvitationState
    static let admin = "222222222222"

    /// (invitation states from the administrator, deleting?) → answer
    static let answers: [(Set<State>, Bool, MembershipRules.Answer)] = [
        ([.invited], false, .decline),
        ([.accepted], false, .decline),
        ([.declined], false, .rejected(MembershipRules.Reason.noInvitation)),
        ([], false, .rejected(MembershipRules.Reason.noInvitation)),
        ([.declined], true, .delete),
        ([.invited], true, .rejected(MembershipRules.Reason.deleteNotDeclined)),
        ([.invited, .declined], true, .rejected(MembershipRules.Reason.deleteNotDeclined)),
        ([], true, .rejected(MembershipRules.Reason.noInvitation)),
    ]

    @Test func declineAndDeleteFollowTheInvitationsState() {
        for (states, deleting, expected) in Self.answers {
            #expect(MembershipRules.answer(from: Self.admin, currentAdministrator: nil, states: states, deleting: deleting) == expected)
        }
    }

    @Test func theCurrentAdministratorsInvitationCannotBeDeclinedOrDeleted() {
        for deleting in [false, true] {
            let answer = MembershipRules.answer(from: Self.admin, currentAdministrator: Self.admin, states: [.accepted], deleting: deleting)
            #expect(answer == .rejected(MembershipRules.Reason.declineAssociated))
        }
    }

    @Test func acceptingAgainFromTheSameAdministratorChangesNothing() throws {
        #expect(try MembershipRules.mayAccept(from: Self.admin, currentAdministrator: nil))
        #expect(try !MembershipRules.mayAccept(from: Self.admin, currentAdministrator: Self.admin))
        #expect(throws: GuardDutyError.self) { try MembershipRules.mayAccept(from: Self.admin, currentAdministrator: "333333333333") }
    }

    @Test func anAdministratorWithMembersCannotAccept() {
        #expect(throws: Never.self) { try MembershipRules.requireNoMembers(toAccept: 0) }
        #expect(
            throws: GuardDutyError.badRequest(
                "The request is rejected because the current account has 2 member accounts; an administrator account cannot become a member. Delete its "
                    + "members first."
            )
        ) {
            try MembershipRules.requireNoMembers(toAccept: 2)
        }
    }

    @Test func acceptingNeedsAPendingInvitationAndAMemberThatMayAccept() {
        #expect(throws: Never.self) {
            try MembershipRules.acceptInvitation(
                invitationId: "i", administratorId: Self.admin, region: "us-east-1", pending: true, memberStatus: .invited
            )
        }
        #expect(throws: GuardDutyError.self) {
            try MembershipRules.acceptInvitation(
                invitationId: "i", administratorId: Self.admin, region: "us-east-1", pending: false, memberStatus: .invited
            )
        }
        #expect(throws: GuardDutyError.self) {
            try MembershipRules.acceptInvitation(
                invitationId: "i", administratorId: Self.admin, region: "us-east-1", pending: true, memberStatus: .removed
            )
        }
        #expect(throws: GuardDutyError.self) {
            try MembershipRules.acceptInvitation(
                invitationId: "i", administratorId: Self.admin, region: "us-east-1", pending: true, memberStatus: nil
            )
        }
        #expect(throws: GuardDutyError.self) { try MembershipRules.validateAccept(administratorId: Self.admin, invitationId: "") }
        #expect(throws: GuardDutyError.self) { try MembershipRules.validateAccept(administratorId: "12", invitationId: "i") }
    }

    @Test func onlyAnAssociatedMemberLeavesAndNotWhileTheOrganizationEnrolsAll() throws {
        #expect(try MembershipRules.resignFromAdministrator(Self.admin) == Self.admin)
        #expect(throws: GuardDutyError.self) { try MembershipRules.resignFromAdministrator(nil) }
        #expect(throws: Never.self) { try MembershipRules.resignAllowed(addedByOrganization: true, organizationAll: false) }
        #expect(throws: Never.self) { try MembershipRules.resignAllowed(addedByOrganization: false, organizationAll: true) }
        #expect(throws: GuardDutyError.badRequest(MembershipRules.Reason.organizationAll)) {
            try MembershipRules.resignAllowed(addedByOrganization: true, organizationAll: true)
        }
    }
}
