import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import SigV4

/// The web console under `/console`: sign-in with an access key, then the signed-in account's pages. Every page
/// and action calls the same stores as the API with the session's `Caller`, so an account sees and changes only
/// what the API would let it. Changes are POST forms carrying the session's CSRF token. Pages are mustache templates
/// rendered from a view model per page (ConsoleRenderer); forms are decoded into a typed form per action (ConsoleForm).
public struct ConsoleRoutes: Sendable {
    let sessions: ConsoleSessions
    let accounts: any AccountStore
    let detectors: any DetectorStore
    let findings: any FindingStore
    let members: any MemberStore
    let lists: any ListStore
    let agents: any AgentChannelStore
    let organization: any OrganizationStore
    let regions: PostgresRegionStore
    /// Cookies carry `Secure` when the server speaks TLS.
    let secureCookies: Bool
    /// The prices the Usage page applies.
    let prices: PriceTable

    public init(stores: PostgresStores, sessions: ConsoleSessions, secureCookies: Bool = false, prices: PriceTable = .bundled) {
        self.secureCookies = secureCookies
        self.prices = prices
        self.sessions = sessions
        self.accounts = stores.accounts
        self.detectors = stores.detectors
        self.findings = stores.findings
        self.members = stores.members
        self.lists = stores.lists
        self.agents = stores.agentChannel
        self.organization = stores.organization
        self.regions = stores.regions
    }

    static let cookie = "guardpost_session"
    /// The largest form body read (413 past it).
    static let maxFormBytes = 1 << 16

    public func addRoutes(to router: some RouterMethods<GuardpostRequestContext>) {
        let console = router.group("console")
        console.get("login") { _, _ in Self.loginPage(error: nil) }
        console.post("login") { request, _ in try await self.signIn(request) }
        console.post("logout") { request, _ in try await self.signOut(request) }
        self.addPageRoutes(to: console)
        self.addFindingRoutes(to: console)
        self.addManagementRoutes(to: console)
    }

    func signIn(_ request: Request) async throws -> Response {
        guard Self.isSameOrigin(request) else {
            return Self.loginPage(error: "Sign in from this server's own sign-in page.", status: .forbidden)
        }
        var request = request
        let form: LoginForm
        do {
            form = try LoginForm.decode(String(buffer: try await request.collectBody(upTo: Self.maxFormBytes)))
        } catch let error as GuardDutyError {
            return Self.loginPage(error: error.message, status: .badRequest)
        }
        guard try await self.regions.isEnabled(form.chosenRegion) else {
            return Self.loginPage(error: "This server does not serve that region (see 'guardpost-admin regions list').", status: .badRequest)
        }
        guard
            let token = try await self.sessions.signIn(
                accessKeyId: form.accessKeyId ?? "", secret: form.secretAccessKey ?? "", region: form.chosenRegion, accounts: self.accounts
            )
        else {
            return Self.loginPage(error: "The access key id and secret do not match an active key.", status: .unauthorized)
        }
        var response = ConsoleRenderer.redirect("/console")
        response.setCookie(self.sessionCookie(token, maxAge: ConsoleSessions.lifetimeSeconds))
        return response
    }

    func signOut(_ request: Request) async throws -> Response {
        do {
            _ = try await self.change(request)
        } catch let refusal as ConsoleRefusal {
            return refusal.response
        }
        try await self.sessions.signOut(token: request.cookies[Self.cookie]?.value)
        var response = ConsoleRenderer.redirect("/console/login")
        response.setCookie(self.sessionCookie("", maxAge: 0))
        return response
    }

    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: Self.cookie, value: value, maxAge: maxAge, path: "/console", secure: self.secureCookies, httpOnly: true, sameSite: .strict)
    }

    static func loginPage(error: String?, status: HTTPResponse.Status = .ok) -> Response {
        ConsoleRenderer.page("login", title: "Sign in", session: nil, content: LoginView(error: error), status: status)
    }

    /// Whether a form was posted from this server's own pages (no login CSRF: another site cannot sign a visitor's
    /// browser into the attacker's account). Browsers send `Sec-Fetch-Site` and `Origin` on cross-site posts; a client
    /// that sends neither (curl, tests) is not a browser that another site can drive.
    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            return false
        }
        if let origin = request.headers[.origin], origin != "null" {
            guard let host = URLComponents(string: origin)?.host, let authority = request.head.authority else { return false }
            let requestHost =
                authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }.dropFirst()) : String(authority.split(separator: ":").first ?? "")
            let originHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            return originHost.lowercased() == requestHost.lowercased()
        }
        return true
    }

    /// The session of a request, or nil (signed out or expired).
    func session(_ request: Request) async throws -> ConsoleSession? {
        try await self.sessions.session(token: request.cookies[Self.cookie]?.value)
    }

    /// The caller's detector in the session's region, or nil.
    func detector(_ session: ConsoleSession) async throws -> String? {
        try await self.detectors.listDetectors(caller: session.caller, maxResults: 1, nextToken: nil).items.first
    }

    /// A page: signed-out users go to the sign-in page; store errors become a banner with the API's status.
    func page<Content>(
        _ request: Request, _ path: String, _ title: String, template: String,
        _ content: @escaping (ConsoleSession, String) async throws -> Content
    ) async throws -> Response {
        guard let session = try await self.session(request) else { return ConsoleRenderer.redirect("/console/login") }
        guard let detector = try await self.detector(session) else {
            return ConsoleRenderer.page("no-detector", title: title, session: session, active: path, content: NoDetectorView(region: session.region))
        }
        do {
            let content = try await content(session, detector)
            return ConsoleRenderer.page(template, title: title, session: session, active: path, content: content)
        } catch let error as GuardDutyError {
            let status = HTTPResponse.Status(code: error.status)
            return ConsoleRenderer.message(title: title, session: session, active: path, error.message, status: status)
        }
    }

    /// A change: the session and a matching CSRF token are required (403 otherwise). Returns the form's body.
    func change(_ request: Request) async throws -> (ConsoleSession, String, ConsoleChangeFields) {
        guard let session = try await self.session(request) else { throw ConsoleRefusal(message: "Sign in again: the session has expired.") }
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: Self.maxFormBytes))
        let fields: ConsoleChangeFields
        do {
            fields = try ConsoleChangeFields.decode(body)
        } catch let error as GuardDutyError {
            throw ConsoleRefusal(message: error.message, status: .badRequest)
        }
        guard SigV4Encoding.constantTimeEquals(session.csrfToken, fields.csrf ?? "") else {
            throw ConsoleRefusal(message: "The form's CSRF token is missing or wrong: reload the page and try again.")
        }
        return (session, body, fields)
    }

    /// A change of the session's detector with the form `Form`: refused without a session or CSRF token, a store's
    /// refusal shown as a page with the API's status, else back to the page it came from.
    func act<Form: ConsoleForm>(
        _ request: Request, back: String, _ form: Form.Type, _ action: (ConsoleSession, String, Form) async throws -> Void
    ) async throws -> Response {
        let session: ConsoleSession
        let body: String
        let fields: ConsoleChangeFields
        do {
            (session, body, fields) = try await self.change(request)
        } catch let refusal as ConsoleRefusal {
            return refusal.response
        }
        guard let detector = try await self.detector(session) else { return ConsoleRenderer.redirect(back) }
        do {
            try await action(session, detector, try Form.decode(body))
        } catch let error as GuardDutyError {
            let link = ConsoleMessage.Link(href: back, label: "Back")
            return ConsoleRenderer.message(
                title: "Not done", session: session, active: back, error.message, link: link, status: HTTPResponse.Status(code: error.status)
            )
        }
        return ConsoleRenderer.redirect(fields.destination(or: back))
    }
}
