import HTTPTypes
import Hummingbird
import Mustache

/// Turns a page's view model into the HTML response (templates escape every value; no script, nothing from outside
/// the server), and writes the console's redirects.
enum ConsoleRenderer {
    static let contentSecurityPolicy =
        "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"

    /// The page's HTML: `template`'s content inside the frame.
    static func html<Content>(_ template: String, _ page: ConsolePage<Content>) -> String {
        guard let html = ConsoleTemplates.library.render(page, withTemplate: template) else {
            preconditionFailure("No console template named \(template)")
        }
        return html
    }

    static func page<Content>(
        _ template: String, title: String, session: ConsoleSession?, active: String = "", content: Content, status: HTTPResponse.Status = .ok
    ) -> Response {
        let html = Self.html(template, ConsolePage(title: title, session: session, active: active, content: content))
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page that only says something, with an optional link under it.
    static func message(
        title: String, session: ConsoleSession?, active: String = "", _ message: String, link: ConsoleMessage.Link? = nil, status: HTTPResponse.Status
    ) -> Response {
        Self.page("message", title: title, session: session, active: active, content: ConsoleMessage(message, link: link), status: status)
    }

    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
