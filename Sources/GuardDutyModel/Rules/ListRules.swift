/// Trusted IP lists, threat lists and entity lists: only an account without an administrator manages lists (a
/// member's administrator's lists are in force for it), a detector holds a bounded number of each kind, and list
/// names are unique per kind.
public enum ListRules {
    /// A member (associated with `administrator`) cannot create, change or delete lists.
    public static func requireManager(administrator: String?) throws {
        guard let administrator else { return }
        throw GuardDutyError.badRequest(
            "The request is rejected because the current account is a member of administrator account \(administrator), "
                + "which manages trusted IP lists, threat lists and entity lists for it."
        )
    }

    /// A detector with `count` lists of a kind may get one more only below the kind's quota.
    public static func roomForAnother(_ kind: ListKind, count: Int) throws {
        guard count < kind.maxPerDetector else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the current account already has \(count) \(kind.displayName) in this region; "
                    + "at most \(kind.maxPerDetector) are allowed."
            )
        }
    }

    public static func notFound(_ kind: ListKind, listId: String) -> GuardDutyError {
        .badRequest("The request is rejected because the \(kind.displayName) \(listId) does not exist for the current account.")
    }

    /// CreateList with a name the kind already uses.
    public static func nameTaken(_ kind: ListKind, name: String) -> GuardDutyError {
        .badRequest("The request is rejected because a \(kind.displayName) named '\(name)' already exists.")
    }

    /// UpdateList to a name the kind already uses.
    public static func renameTaken(_ kind: ListKind) -> GuardDutyError {
        .badRequest("The request is rejected because a \(kind.displayName) with that name already exists.")
    }
}
