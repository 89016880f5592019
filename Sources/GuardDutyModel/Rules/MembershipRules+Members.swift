/// The administrator's side of membership: who may become a member, the quotas, and one state-machine step
/// applied to each listed account.
extension MembershipRules {
    /// What CreateMembers does with one account.
    public enum Creation: Equatable, Sendable {
        /// A new member record, status Created.
        case insert
        /// A removed member's record, Created again.
        case recreate
        case rejected(String)
    }

    /// Members an administrator may have: 50,000 for the organisation's delegated administrator, 5,000 otherwise.
    public static func memberLimit(isOrganizationAdministrator: Bool) -> Int {
        isOrganizationAdministrator ? Validate.maxOrganizationMembers : Validate.maxMembersPerAdministrator
    }

    /// CreateMembers' input: 1 to 50 distinct account ids, each with a valid email.
    public static func validateCreate(_ accounts: [AccountDetail]) throws {
        try Validate.accountIds(accounts.map(\.accountId), field: "accountDetails")
        for account in accounts { try Validate.email(account.email, accountId: account.accountId) }
    }

    /// InviteMembers' input: the account ids and a message of at most 10,000 characters.
    public static func validateInvite(accountIds: [String], message: String?) throws {
        try Validate.accountIds(accountIds)
        if let message, message.count > 10_000 {
            throw GuardDutyError.badRequest("The request is rejected because the invitation message is longer than 10,000 characters.")
        }
    }

    /// An account that is itself a member of an administrator cannot create members: every account is refused.
    public static func creatorIsMember(_ accounts: [String]) -> [UnprocessedAccount] {
        accounts.map { UnprocessedAccount(accountId: $0, result: Reason.callerIsMember) }
    }

    /// CreateMembers for one account: not the caller itself, an account of the organisation, a removed member may
    /// be created again, a new one only below the quota (`memberCount` members counted so far).
    public static func create(
        _ accountId: String, callerAccountId: String, accountExists: Bool, existing: RelationshipStatus?, memberCount: Int, limit: Int
    ) -> Creation {
        if accountId == callerAccountId { return .rejected(Reason.selfMember) }
        guard accountExists else { return .rejected(Reason.unknownAccount(accountId)) }
        if let existing {
            if case .rejected(let reason) = Self.recreate(existing) { return .rejected(reason) }
            return .recreate
        }
        guard memberCount < limit else { return .rejected(Reason.memberLimit(limit)) }
        return .insert
    }

    /// A member record as the rules need it.
    public struct MemberState: Equatable, Sendable {
        public var status: RelationshipStatus
        /// Enrolled by the organisation (auto-enable), not invited.
        public var addedByOrganization: Bool

        public init(status: RelationshipStatus, addedByOrganization: Bool = false) {
            self.status = status
            self.addedByOrganization = addedByOrganization
        }
    }

    /// Applies `rule` to each listed account, in order: those without a record are not members, refusals become
    /// unprocessed accounts, and the others are returned with their outcome (moves and deletions only).
    /// `organizationAll` is whether the administrator is the delegated one with auto-enable ALL; it protects only
    /// members the organisation enrolled.
    public static func plan(
        _ accountIds: [String], members: [String: MemberState], organizationAll: Bool,
        rule: (MemberState, _ organizationAll: Bool) -> Outcome
    ) -> (changes: [(accountId: String, outcome: Outcome)], unprocessed: [UnprocessedAccount]) {
        var changes: [(accountId: String, outcome: Outcome)] = []
        var unprocessed: [UnprocessedAccount] = []
        for account in accountIds {
            guard let member = members[account] else {
                unprocessed.append(UnprocessedAccount(accountId: account, result: Reason.notMember))
                continue
            }
            let outcome = rule(member, organizationAll && member.addedByOrganization)
            switch outcome {
            case .rejected(let reason): unprocessed.append(UnprocessedAccount(accountId: account, result: reason))
            case .unchanged: break
            case .moveTo, .delete: changes.append((account, outcome))
            }
        }
        return (changes, unprocessed)
    }

    /// UpdateMemberDetectors: only associated members have detector settings their administrator manages.
    public static func updateSettings(_ status: RelationshipStatus) -> Outcome {
        status.isAssociated ? .moveTo(status) : .rejected(Reason.notAssociated)
    }

    /// GetMembers and GetMemberDetectors answer listed accounts without a record as not members; GetMemberDetectors
    /// also refuses members that are not associated.
    public static func readable(_ status: RelationshipStatus?, requireAssociated: Bool) -> String? {
        guard let status else { return Reason.notMember }
        if requireAssociated, !status.isAssociated { return Reason.notAssociated }
        return nil
    }
}
