import GuardDutyModel
import Testing

/// The membership state machine as a table: every relationship status against every administrator operation,
/// with the exact `unprocessedAccounts` wording GuardDuty's clients show.
@Suite("Membership transitions, table-driven")
struct MembershipTransitionTableTests {
    typealias Outcome = MembershipRules.Outcome
    typealias Reason = MembershipRules.Reason

    /// status → (invite, disassociate, delete, start monitoring, stop monitoring, accept, resign, create again)
    static let table: [(RelationshipStatus, [Outcome])] = [
        (
            .created,
            [
                .moveTo(.invited), .rejected(Reason.notAssociated), .delete, .rejected(Reason.notAssociated),
                .rejected(Reason.notAssociated), .rejected(Reason.noInvitation), .rejected(Reason.notAssociated),
                .rejected(Reason.alreadyMember),
            ]
        ),
        (
            .invited,
            [
                .moveTo(.invited), .moveTo(.removed), .delete, .rejected(Reason.notAssociated),
                .rejected(Reason.notAssociated), .moveTo(.enabled), .rejected(Reason.notAssociated), .rejected(Reason.alreadyMember),
            ]
        ),
        (
            .enabled,
            [
                .rejected(Reason.alreadyInvitedOrAssociated), .moveTo(.removed), .rejected(Reason.stillAssociated), .unchanged,
                .moveTo(.disabled), .unchanged, .moveTo(.resigned), .rejected(Reason.alreadyMember),
            ]
        ),
        (
            .disabled,
            [
                .rejected(Reason.alreadyInvitedOrAssociated), .moveTo(.removed), .rejected(Reason.stillAssociated), .moveTo(.enabled),
                .unchanged, .unchanged, .moveTo(.resigned), .rejected(Reason.alreadyMember),
            ]
        ),
        (
            .removed,
            [
                .moveTo(.invited), .unchanged, .delete, .rejected(Reason.notAssociated),
                .rejected(Reason.notAssociated), .rejected(Reason.noInvitation), .rejected(Reason.notAssociated), .moveTo(.created),
            ]
        ),
        (
            .resigned,
            [
                .moveTo(.invited), .unchanged, .delete, .rejected(Reason.notAssociated),
                .rejected(Reason.notAssociated), .moveTo(.enabled), .rejected(Reason.notAssociated), .rejected(Reason.alreadyMember),
            ]
        ),
    ]

    @Test(arguments: Self.table.map(\.0))
    func everyOperationOnAStatusHasOneOutcome(_ status: RelationshipStatus) throws {
        let expected = try #require(Self.table.first { $0.0 == status }?.1)
        let actual: [Outcome] = [
            MembershipRules.invite(status), MembershipRules.disassociate(status, organizationAll: false), MembershipRules.delete(status),
            MembershipRules.startMonitoring(status), MembershipRules.stopMonitoring(status, organizationAll: false), MembershipRules.accept(status),
            MembershipRules.resign(status), MembershipRules.recreate(status),
        ]
        #expect(actual == expected)
    }

    @Test func organizationAllProtectsOnlyMembersTheOrganizationEnrolled() {
        let members: [String: MembershipRules.MemberState] = [
            "111111111111": .init(status: .enabled, addedByOrganization: true),
            "222222222222": .init(status: .enabled, addedByOrganization: false),
        ]
        let plan = MembershipRules.plan(["111111111111", "222222222222", "333333333333"], members: members, organizationAll: true) { member, all in
            MembershipRules.disassociate(member.status, organizationAll: all)
        }
        #expect(plan.changes.map(\.accountId) == ["222222222222"])
        #expect(plan.changes.map(\.outcome) == [.moveTo(.removed)])
        #expect(
            plan.unprocessed == [
                UnprocessedAccount(accountId: "111111111111", result: Reason.organizationAll),
                UnprocessedAccount(accountId: "333333333333", result: Reason.notMember),
            ])
    }

    @Test func unchangedMembersAreNeitherChangedNorUnprocessed() {
        let plan = MembershipRules.plan(["111111111111"], members: ["111111111111": .init(status: .disabled)], organizationAll: false) { member, _ in
            MembershipRules.stopMonitoring(member.status, organizationAll: false)
        }
        #expect(plan.changes.isEmpty)
        #expect(plan.unprocessed.isEmpty)
    }

    @Test func onlyAssociatedMembersHaveSettingsTheAdministratorUpdates() {
        #expect(MembershipRules.updateSettings(.enabled) == .moveTo(.enabled))
        #expect(MembershipRules.updateSettings(.disabled) == .moveTo(.disabled))
        #expect(MembershipRules.updateSettings(.invited) == .rejected(Reason.notAssociated))
        #expect(MembershipRules.readable(nil, requireAssociated: false) == Reason.notMember)
        #expect(MembershipRules.readable(.invited, requireAssociated: false) == nil)
        #expect(MembershipRules.readable(.invited, requireAssociated: true) == Reason.notAssociated)
    }
}
