/// The fields every console change carries besides its own: the session's CSRF token and the page to go back to.
struct ConsoleChangeFields: ConsoleForm {
    var csrf: String?
    var back: String?

    /// Where to go after the change: the form's `back` when it is a console page, else the action's own page.
    func destination(or fallback: String) -> String {
        guard let back = self.back, back.hasPrefix("/console") else { return fallback }
        return back
    }
}
