import GuardDutyModel

/// The lists page's "Add a list" form, as a `CreateListRequest` of one kind.
struct CreateListForm: ConsoleForm {
    var kind: String?
    var name: String?
    var format: String?
    var location: String?
    var activate: String?

    /// An unknown kind is a threat list, as the page's first choice.
    var listKind: ListKind { ListKind(rawValue: self.kind ?? "") ?? .threatIntelSet }

    func request() throws -> CreateListRequest {
        let format = try ListFileFormat.parse(self.format ?? "TXT", field: "format")
        return CreateListRequest(name: self.name ?? "", format: format, location: self.location ?? "", activate: self.activate == "on")
    }
}

/// A list's Activate / Deactivate / Delete buttons.
struct ChangeListForm: ConsoleForm {
    var kind: String?
    var id: String?
    var `do`: String?

    var listKind: ListKind { ListKind(rawValue: self.kind ?? "") ?? .threatIntelSet }
    var listId: String { self.id ?? "" }
    var deletes: Bool { self.do == "delete" }
    var update: UpdateListRequest { UpdateListRequest(activate: self.do == "activate") }
}
