/// The header of a signed-in page: a link per page (the current one marked) and the account, region and sign-out form.
struct ConsoleNav {
    /// One page in the header.
    struct Link {
        let path: String
        let title: String
        let active: Bool
    }

    static let pages: [(path: String, title: String)] = [
        ("/console", "Summary"), ("/console/findings", "Findings"), ("/console/usage", "Usage"), ("/console/settings", "Settings"),
        ("/console/lists", "Lists"), ("/console/features", "S3 Protection"), ("/console/accounts", "Accounts"),
    ]

    let links: [Link]
    let accountId: String
    let region: String

    init(session: ConsoleSession, active: String) {
        self.links = Self.pages.map { Link(path: $0.path, title: $0.title, active: $0.path == active) }
        self.accountId = session.accountId
        self.region = session.region
    }
}
