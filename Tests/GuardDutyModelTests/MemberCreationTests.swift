import GuardDutyModel
import Testing

/// CreateMembers and InviteMembers: who may become a member, the quotas, and the input limits.
@Suite("Member creation and quotas")
struct MemberCreationTests {
    static let caller = "111111111111"

    /// (account, exists, existing status, members so far, limit) → decision, in the order the rules apply.
    static let cases: [(String, Bool, RelationshipStatus?, Int, Int, MembershipRules.Creation)] = [
        (caller, true, nil, 0, 5_000, .rejected(MembershipRules.Reason.selfMember)),
        ("222222222222", false, nil, 0, 5_000, .rejected(MembershipRules.Reason.unknownAccount("222222222222"))),
        ("222222222222", true, nil, 0, 5_000, .insert),
        ("222222222222", true, nil, 4_999, 5_000, .insert),
        ("222222222222", true, nil, 5_000, 5_000, .rejected(MembershipRules.Reason.memberLimit(5_000))),
        ("222222222222", true, .removed, 5_000, 5_000, .recreate),
        ("222222222222", true, .invited, 0, 5_000, .rejected(MembershipRules.Reason.alreadyMember)),
        ("222222222222", true, .enabled, 0, 5_000, .rejected(MembershipRules.Reason.alreadyMember)),
    ]

    @Test func eachAccountIsInsertedRecreatedOrRefusedWithGuardDutysWords() {
        for (account, exists, existing, count, limit, expected) in Self.cases {
            let decision = MembershipRules.create(
                account, callerAccountId: Self.caller, accountExists: exists, existing: existing, memberCount: count, limit: limit
            )
            #expect(decision == expected, "\(account) \(String(describing: existing)) \(count)/\(limit)")
        }
    }

    @Test func delegatedAdministratorsMayHaveTenTimesTheMembers() {
        #expect(MembershipRules.memberLimit(isOrganizationAdministrator: false) == 5_000)
        #expect(MembershipRules.memberLimit(isOrganizationAdministrator: true) == 50_000)
        #expect(MembershipRules.Reason.memberLimit(5_000).hasSuffix("maximum number of allowed members (5000)."))
    }

    @Test func aMemberAccountCannotCreateMembers() {
        let refused = MembershipRules.creatorIsMember(["222222222222", "333333333333"])
        #expect(refused.map(\.result) == [MembershipRules.Reason.callerIsMember, MembershipRules.Reason.callerIsMember])
    }

    /// The rule that refuses a 51st account id lives in `Validate.accountIds`; CreateMembers names the field accountDetails.
    @Test func a51stAccountIdIsRefused() {
        let accounts = (0..<51).map { AccountDetail(accountId: String(format: "%012d", $0 + 1), email: "a@example.com") }
        #expect(
            throws: GuardDutyError.badRequest(
                "The request is rejected because accountDetails has 51 entries: at most 50 account IDs are allowed in one call."
            )
        ) {
            try MembershipRules.validateCreate(accounts)
        }
        #expect(throws: Never.self) { try MembershipRules.validateCreate(Array(accounts.prefix(50))) }
    }

    @Test func invitationMessagesAreLimitedToTenThousandCharacters() {
        #expect(throws: Never.self) {
            try MembershipRules.validateInvite(accountIds: ["222222222222"], message: String(repeating: "x", count: 10_000))
        }
        #expect(throws: GuardDutyError.badRequest("The request is rejected because the invitation message is longer than 10,000 characters.")) {
            try MembershipRules.validateInvite(accountIds: ["222222222222"], message: String(repeating: "x", count: 10_001))
        }
    }
}
