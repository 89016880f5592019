/// The member's side of membership: accepting, declining and deleting invitations, and leaving an administrator.
extension MembershipRules {
    /// The state of an invitation as stored.
    public enum InvitationState: String, Sendable, CaseIterable {
        case invited = "Invited"
        case accepted = "Accepted"
        case declined = "Declined"
        case deleted = "Deleted"
        case withdrawn = "Withdrawn"
    }

    /// What DeclineInvitations or DeleteInvitations does with the invitations from one administrator.
    public enum Answer: Equatable, Sendable {
        /// Invited and Accepted invitations become Declined.
        case decline
        /// Declined invitations become Deleted.
        case delete
        case rejected(String)
    }

    /// Declining or deleting: never the invitation of the administrator the account is associated with; a
    /// declined invitation is deleted, a pending (or accepted) one declined.
    public static func answer(
        from administratorId: String, currentAdministrator: String?, states: Set<InvitationState>, deleting: Bool
    ) -> Answer {
        if currentAdministrator == administratorId { return .rejected(Reason.declineAssociated) }
        let pending = states.contains(.invited) || states.contains(.accepted)
        if deleting {
            if pending { return .rejected(Reason.deleteNotDeclined) }
            return states.contains(.declined) ? .delete : .rejected(Reason.noInvitation)
        }
        return pending ? .decline : .rejected(Reason.noInvitation)
    }

    /// AcceptAdministratorInvitation's input: a valid administrator id and an invitation id of 1 to 300 characters.
    public static func validateAccept(administratorId: String, invitationId: String) throws {
        try Validate.accountId(administratorId, field: "administratorId")
        guard !invitationId.isEmpty, invitationId.count <= 300 else {
            throw GuardDutyError.badRequest("The request is rejected because invitationId is empty or longer than 300 characters.")
        }
    }

    /// Accepting while associated: again from the same administrator changes nothing (false); from another one is refused.
    public static func mayAccept(from administratorId: String, currentAdministrator: String?) throws -> Bool {
        guard let currentAdministrator else { return true }
        if currentAdministrator == administratorId { return false }
        throw GuardDutyError.badRequest(
            "The request is rejected because the current account is already a member of administrator account \(currentAdministrator); disassociate "
                + "from it first."
        )
    }

    /// An administrator (with members not removed or resigned) cannot become a member.
    public static func requireNoMembers(toAccept count: Int) throws {
        guard count > 0 else { return }
        throw GuardDutyError.badRequest(
            "The request is rejected because the current account has \(count) member accounts; an administrator account cannot become a member. "
                + "Delete its members first."
        )
    }

    /// The invitation must be pending, from that administrator, to the caller, in the region; and the administrator
    /// must still list the caller as a member that may accept.
    public static func acceptInvitation(
        invitationId: String, administratorId: String, region: String, pending: Bool, memberStatus: RelationshipStatus?
    ) throws {
        guard pending else {
            throw GuardDutyError.badRequest(
                "The request is rejected because invitation \(invitationId) is not a pending invitation from administrator account "
                    + "\(administratorId) "
                    + "to the current account in \(region)."
            )
        }
        guard let memberStatus, case .moveTo = Self.accept(memberStatus) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the administrator account \(administratorId) no longer lists the current account as an invited "
                    + "member."
            )
        }
    }

    /// DisassociateFromAdministratorAccount: the caller must be associated, and a member the organisation enrolled
    /// with auto-enable ALL cannot leave.
    public static func resignFromAdministrator(_ administrator: String?) throws -> String {
        guard let administrator else {
            throw GuardDutyError.badRequest("The request is rejected because the current account is not associated with an administrator account.")
        }
        return administrator
    }

    public static func resignAllowed(addedByOrganization: Bool, organizationAll: Bool) throws {
        if addedByOrganization && organizationAll { throw GuardDutyError.badRequest(Reason.organizationAll) }
    }
}
