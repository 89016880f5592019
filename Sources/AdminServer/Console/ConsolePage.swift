/// The view model every console page is rendered from: the frame (title, navigation, the session's CSRF token for
/// the page's forms) and the page's own content, which its template reads inside `{{#content}}`.
struct ConsolePage<Content> {
    let title: String
    let nav: ConsoleNav?
    /// The session's CSRF token ("" when signed out); the `csrf` partial writes it into each form.
    let csrf: String
    let content: Content

    init(title: String, session: ConsoleSession?, active: String, content: Content) {
        self.title = title
        self.nav = session.map { ConsoleNav(session: $0, active: active) }
        self.csrf = session?.csrfToken ?? ""
        self.content = content
    }
}
