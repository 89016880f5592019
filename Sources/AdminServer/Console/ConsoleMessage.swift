/// A page that only says something: a refusal, an error of the API, a change not done (with the way back).
struct ConsoleMessage {
    /// The link under the message.
    struct Link {
        let href: String
        let label: String
    }

    let message: String
    let link: Link?

    init(_ message: String, link: Link? = nil) {
        self.message = message
        self.link = link
    }
}
