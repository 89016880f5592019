import HTTPTypes
import Hummingbird

/// A change refused before it reached a store: no session, or a missing or wrong CSRF token (403), or a form that
/// could not be read (400).
struct ConsoleRefusal: Error {
    let message: String
    var status: HTTPResponse.Status = .forbidden

    var response: Response {
        ConsoleRenderer.message(
            title: "Refused", session: nil, self.message, link: ConsoleMessage.Link(href: "/console/login", label: "Sign in"), status: self.status
        )
    }
}
