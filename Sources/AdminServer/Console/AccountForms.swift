/// The accounts page's member actions (add, invite, disassociate, stop, start, delete) on the ticked accounts.
struct MemberActionForm: ConsoleForm {
    static var repeatedFields: Set<String> { ["account"] }
    var account: [String]?
    var email: String?
    var `do`: String?

    /// The ticked or typed account ids, without empty ones.
    var accountIds: [String] { (self.account ?? []).filter { !$0.isEmpty } }
}

/// An invitation's Accept / Decline buttons (the member's side).
struct InvitationForm: ConsoleForm {
    var administrator: String?
    var invitation: String?
    var `do`: String?

    var accepts: Bool { self.do == "accept" }
}
