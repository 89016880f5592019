import GuardDutyModel

/// The findings page's bulk form: the ticked finding ids, archived or unarchived.
struct ArchiveFindingsForm: ConsoleForm {
    static var repeatedFields: Set<String> { ["id"] }
    var id: [String]?
    var archived: String?

    /// Anything but an explicit "false" archives, as the page's hidden field says.
    var archive: Bool { self.archived != "false" }
}

/// The detail pane's feedback buttons.
struct FindingFeedbackForm: ConsoleForm {
    static var repeatedFields: Set<String> { ["id"] }
    var id: [String]?
    var feedback: String?
}

/// The findings page's filter, from its query string. Empty fields mean "not filtered".
struct FindingsQuery: ConsoleForm {
    var severity: String?
    var type: String?
    var account: String?
    var resource: String?
    var criteria: String?
    var sort: String?
    var order: String?
    var archived: String?
    var page: String?
    var id: String?

    /// The query with every empty field as nil.
    var filled: FindingsQuery {
        func value(_ text: String?) -> String? { text?.isEmpty == false ? text : nil }
        return FindingsQuery(
            severity: value(self.severity), type: value(self.type), account: value(self.account), resource: value(self.resource),
            criteria: value(self.criteria), sort: value(self.sort), order: value(self.order), archived: value(self.archived),
            page: value(self.page), id: value(self.id)
        )
    }
}
