import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import SigV4

/// The web console under `/console`: sign-in with an access key, then the signed-in account's pages. Every page
/// and action calls the same stores as the API with the session's `Caller`, so an account sees and changes only
/// what the API would let it. Changes are POST forms carrying the session's CSRF token.
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

    public init(stores: PostgresStores, sessions: ConsoleSessions, secureCookies: Bool = false) {
        self.secureCookies = secureCookies
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

    public func addRoutes(to router: Router<GuardpostRequestContext>) {
        let console = router.group("console")
        console.get("login") { _, _ in Self.loginPage(error: nil) }
        console.post("login") { request, _ -> Response in
            guard Self.isSameOrigin(request) else {
                return Self.loginPage(error: "Sign in from this server's own sign-in page.", status: .forbidden)
            }
            var request = request
            let form = ConsoleHTML.form(try await request.collectBody(upTo: 1 << 16))
            let region = form["region"]?.first.flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
            guard try await self.regions.isEnabled(region) else {
                return Self.loginPage(error: "This server does not serve that region (see 'guardpost-admin regions list').", status: .badRequest)
            }
            guard let token = try await self.sessions.signIn(
                accessKeyId: form["accessKeyId"]?.first ?? "", secret: form["secretAccessKey"]?.first ?? "", region: region, accounts: self.accounts
            ) else {
                return Self.loginPage(error: "The access key id and secret do not match an active key.", status: .unauthorized)
            }
            var response = ConsoleHTML.redirect("/console")
            response.setCookie(Cookie(name: Self.cookie, value: token, maxAge: ConsoleSessions.lifetimeSeconds, path: "/console", secure: self.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        console.post("logout") { request, _ -> Response in
            do {
                _ = try await self.change(request)
            } catch let refusal as ConsoleRefusal {
                return refusal.response
            }
            try await self.sessions.signOut(token: request.cookies[Self.cookie]?.value)
            var response = ConsoleHTML.redirect("/console/login")
            response.setCookie(Cookie(name: Self.cookie, value: "", maxAge: 0, path: "/console", secure: self.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        console.get { request, _ in try await self.page(request, "/console", "Summary", self.summary) }
        console.get("findings") { request, _ in try await self.page(request, "/console/findings", "Findings") { try await self.findingsPage(request, $0, $1) } }
        console.get("usage") { request, _ in try await self.page(request, "/console/usage", "Usage", self.usage) }
        console.get("settings") { request, _ in try await self.page(request, "/console/settings", "Settings", self.settings) }
        console.get("lists") { request, _ in try await self.page(request, "/console/lists", "Lists", self.listsPage) }
        console.get("accounts") { request, _ in try await self.page(request, "/console/accounts", "Accounts", self.accountsPage) }
        console.post("findings/archive") { request, _ -> Response in
            try await self.act(request, back: "/console/findings") { session, detector, form in
                let ids = form["id"] ?? []
                try await self.findings.setArchived(caller: session.caller, detectorId: detector, ids: try Validate.findingIds(ids), archived: form["archived"]?.first != "false")
            }
        }
        console.post("findings/feedback") { request, _ -> Response in
            try await self.act(request, back: "/console/findings") { session, detector, form in
                try await self.findings.setFeedback(
                    caller: session.caller, detectorId: detector, ids: try Validate.findingIds(form["id"]), feedback: form["feedback"]?.first ?? ""
                )
            }
        }
        console.post("settings/frequency") { request, _ -> Response in
            try await self.act(request, back: "/console/settings") { session, detector, form in
                let value = form["findingPublishingFrequency"]?.first ?? ""
                let body = try Self.shape(UpdateDetectorRequest.self, ["findingPublishingFrequency": value])
                try await self.detectors.updateDetector(caller: session.caller, detectorId: detector, request: body)
            }
        }
        self.addManagementRoutes(to: console)
        console.post("settings/samples") { request, _ -> Response in
            try await self.act(request, back: "/console/findings") { session, detector, _ in
                try await self.findings.createSampleFindings(caller: session.caller, detectorId: detector, types: nil)
            }
        }
    }

    // MARK: plumbing

    static func loginPage(error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let banner = error.map { #"<p class="error">\#(ConsoleHTML.escape($0))</p>"# } ?? ""
        return ConsoleHTML.page(title: "Sign in", session: nil, active: "", body: """
            <section>\(banner)<form method="post" action="/console/login">
            <p><label>Access key id <input name="accessKeyId" autocomplete="username" required></label></p>
            <p><label>Secret access key <input name="secretAccessKey" type="password" autocomplete="current-password" required></label></p>
            <p><label>Region <input name="region" value="us-east-1"></label></p>
            <p><button type="submit">Sign in</button></p></form></section>
            """, status: status)
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
            let requestHost = authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }.dropFirst()) : String(authority.split(separator: ":").first ?? "")
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
    func page(_ request: Request, _ path: String, _ title: String, _ body: @escaping (ConsoleSession, String) async throws -> String) async throws -> Response {
        guard let session = try await self.session(request) else { return ConsoleHTML.redirect("/console/login") }
        guard let detector = try await self.detector(session) else {
            return ConsoleHTML.page(title: title, session: session, active: path, body: """
                <p class="error">The account has no detector in \(ConsoleHTML.escape(session.region)). Create one with <code>aws guardduty create-detector --enable</code> or accept an administrator's invitation.</p>
                """)
        }
        do {
            return ConsoleHTML.page(title: title, session: session, active: path, body: try await body(session, detector))
        } catch let error as GuardDutyError {
            return ConsoleHTML.page(title: title, session: session, active: path, body: #"<p class="error">\#(ConsoleHTML.escape(error.message))</p>"#,
                                    status: HTTPResponse.Status(code: error.status))
        }
    }

    /// A change: the session and a matching CSRF token are required (403 otherwise).
    func change(_ request: Request) async throws -> (ConsoleSession, [String: [String]]) {
        guard let session = try await self.session(request) else { throw ConsoleRefusal(message: "Sign in again: the session has expired.") }
        var request = request
        let form = ConsoleHTML.form(try await request.collectBody(upTo: 1 << 16))
        guard SigV4Encoding.constantTimeEquals(session.csrfToken, form["csrf"]?.first ?? "") else {
            throw ConsoleRefusal(message: "The form's CSRF token is missing or wrong: reload the page and try again.")
        }
        return (session, form)
    }

    func act(_ request: Request, back: String, _ body: (ConsoleSession, String, [String: [String]]) async throws -> Void) async throws -> Response {
        let session: ConsoleSession, form: [String: [String]]
        do {
            (session, form) = try await self.change(request)
        } catch let refusal as ConsoleRefusal {
            return refusal.response
        }
        guard let detector = try await self.detector(session) else { return ConsoleHTML.redirect(back) }
        do {
            try await body(session, detector, form)
        } catch let error as GuardDutyError {
            return ConsoleHTML.page(title: "Not done", session: session, active: back, body: #"<p class="error">\#(ConsoleHTML.escape(error.message))</p><p><a href="\#(back)">Back</a></p>"#,
                                    status: HTTPResponse.Status(code: error.status))
        }
        return ConsoleHTML.redirect(form["back"]?.first.flatMap { $0.hasPrefix("/console") ? $0 : nil } ?? back)
    }

    // MARK: pages

    func statistics(_ session: ConsoleSession, _ detector: String, groupBy: String) async throws -> [FindingStatisticsGroup] {
        let request = try Self.shape(GetFindingsStatisticsRequest.self, [
            "groupBy": groupBy, "maxResults": 100, "findingCriteria": ["criterion": ["service.archived": ["eq": ["false"]]]],
        ])
        let result = try await self.findings.statistics(caller: session.caller, detectorId: detector, request: request)
        return result.groupedByAccount ?? result.groupedByDate ?? result.groupedByFindingType ?? result.groupedByResource ?? result.groupedBySeverity ?? []
    }

    func summary(_ session: ConsoleSession, _ detector: String) async throws -> String {
        let bySeverity = try await self.statistics(session, detector, groupBy: "SEVERITY")
        var bands: [String: Int] = ["High": 0, "Medium": 0, "Low": 0]
        for group in bySeverity { bands[ConsoleHTML.band(group.severity ?? 0).name, default: 0] += group.totalFindings }
        let cards = [("High", 8.0), ("Medium", 5.0), ("Low", 2.0)].map { name, severity in
            #"<div class="card" style="border-color:\#(ConsoleHTML.band(severity).colour)"><div>\#(name)</div><strong style="font-size:1.6rem">\#(bands[name] ?? 0)</strong></div>"#
        }.joined()
        let byDate = try await self.statistics(session, detector, groupBy: "DATE").sorted { ($0.date ?? 0) < ($1.date ?? 0) }.suffix(30)
        let peak = max(1, byDate.map(\.totalFindings).max() ?? 1)
        let bars = byDate.enumerated().map { index, group in
            let height = Double(group.totalFindings) / Double(peak) * 100
            let day = Date(timeIntervalSince1970: group.date ?? 0).formatted(.iso8601.year().month().day())
            let label = index % 3 == 0 ? #"<text x="\#(index * 22)" y="126" font-size="9">\#(day.suffix(5))</text>"# : ""
            return #"<rect x="\#(index * 22)" y="\#(110 - height)" width="18" height="\#(height)" fill="\#(ConsoleHTML.band(group.severity ?? 0).colour)"><title>\#(day): \#(group.totalFindings)</title></rect>"# + label
        }.joined()
        func table(_ title: String, _ groups: [FindingStatisticsGroup], _ label: (FindingStatisticsGroup) -> String) -> String {
            let rows = groups.prefix(10).map { "<tr><td>\(ConsoleHTML.escape(label($0)))</td><td>\($0.totalFindings)</td></tr>" }.joined()
            return "<section><h2>\(title)</h2><table><tr><th></th><th>Findings</th></tr>\(rows)</table></section>"
        }
        return """
            <section><h2>Current findings by severity</h2><div class="cards">\(cards)</div></section>
            <section><h2>Findings over time (last update per day, coloured by highest severity)</h2>
            <svg width="\(max(200, byDate.count * 22))" height="130" role="img" aria-label="findings per day">\(bars)</svg></section>
            \(table("Top finding types", try await self.statistics(session, detector, groupBy: "FINDING_TYPE")) { $0.findingType ?? "" })
            \(table("Most affected resources", try await self.statistics(session, detector, groupBy: "RESOURCE")) { "\($0.resourceType ?? "") \($0.resourceId ?? "") (\($0.accountId ?? ""))" })
            \(table("Accounts", try await self.statistics(session, detector, groupBy: "ACCOUNT")) { $0.accountId ?? "" })
            """
    }

    func findingsPage(_ request: Request, _ session: ConsoleSession, _ detector: String) async throws -> String {
        let archived = ConsoleHTML.query(request, "archived") == "true"
        var criterion: [String: Condition] = ["service.archived": Condition(equals: [archived ? "true" : "false"])]
        if let minimum = ConsoleHTML.query(request, "severity").flatMap(Int64.init) { criterion["severity"] = Condition(greaterThanOrEqual: minimum) }
        if let type = ConsoleHTML.query(request, "type") { criterion["type"] = Condition(equals: [type]) }
        if let account = ConsoleHTML.query(request, "account") { criterion["accountId"] = Condition(equals: [account]) }
        if let resource = ConsoleHTML.query(request, "resource") { criterion["resource.instanceDetails.instanceId"] = Condition(equals: [resource]) }
        // Any other criteria, as ListFindings takes them: {"attribute.path": {"gte": 5}, …}.
        if let raw = ConsoleHTML.query(request, "criteria") {
            guard let extra = try? JSONDecoder().decode([String: Condition].self, from: Data(raw.utf8)) else {
                throw GuardDutyError.badRequest("The criteria field is not JSON of the form {\"attribute.path\": {\"equals\": [\"value\"]}}.")
            }
            criterion.merge(extra) { _, new in new }
        }
        let sortKey = ConsoleHTML.query(request, "sort") ?? "updatedAt"
        let order = ConsoleHTML.query(request, "order") == "ASC" ? "ASC" : "DESC"
        let list = ListFindingsRequest(
            findingCriteria: FindingCriteria(criterion: criterion), sortCriteria: SortCriteria(attributeName: sortKey, orderBy: order),
            maxResults: 25, nextToken: ConsoleHTML.query(request, "page")
        )
        let page = try await self.findings.listFindings(caller: session.caller, detectorId: detector, request: list)
        let documents = page.findingIds.isEmpty ? [] : try await self.findings.getFindings(
            caller: session.caller, detectorId: detector, ids: page.findingIds, sort: SortCriteria(attributeName: sortKey, orderBy: order)
        )
        let decoded = documents.compactMap { try? JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
        let query = request.uri.query ?? ""
        let back = "/console/findings" + (query.isEmpty ? "" : "?" + query)
        let rows = decoded.map { finding -> String in
            let band = ConsoleHTML.band(finding.severity)
            let resource = finding.resource.instanceDetails?.instanceId ?? finding.resource.accessKeyDetails?.userName
                ?? finding.resource.s3BucketDetails?.first?.name ?? finding.resource.resourceType
            return """
                <tr><td><input type="checkbox" name="id" value="\(ConsoleHTML.escape(finding.id))" form="bulk"></td>
                <td><span class="sev" style="background:\(band.colour)">\(band.name) \(finding.severity)</span></td>
                <td><a href="/console/findings?\(ConsoleHTML.escape(query.isEmpty ? "" : query + "&"))id=\(ConsoleHTML.escape(finding.id))">\(ConsoleHTML.escape(finding.type))</a></td>
                <td>\(ConsoleHTML.escape(resource))</td><td>\(ConsoleHTML.escape(finding.accountId))</td><td>\(ConsoleHTML.escape(finding.region))</td>
                <td>\(ConsoleHTML.escape(finding.updatedAt))</td><td>\(finding.service.count)</td></tr>
                """
        }.joined()
        var detail = ""
        if let id = ConsoleHTML.query(request, "id"),
           let document = try await self.findings.getFindings(caller: session.caller, detectorId: detector, ids: [id], sort: nil).first,
           let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
            let finding = try? JSONDecoder().decode(Finding.self, from: Data(document.utf8))
            let action = finding?.service.action
            let remote = action?.networkConnectionAction?.remoteIpDetails ?? action?.awsApiCallAction?.remoteIpDetails
            let facts: [(String, String?)] = [
                ("Type", finding?.type), ("Severity", finding.map { "\(ConsoleHTML.band($0.severity).name) (\($0.severity))" }),
                ("Description", finding?.description), ("Account / region", finding.map { "\($0.accountId) / \($0.region)" }),
                ("Resource", finding.map { r in [r.resource.resourceType, r.resource.instanceDetails?.instanceId, r.resource.accessKeyDetails?.accessKeyId,
                                                 r.resource.s3BucketDetails?.first?.name].compactMap { $0 }.joined(separator: " ") }),
                ("Action", action.map { [$0.actionType, $0.awsApiCallAction?.api, $0.dnsRequestAction?.domain, $0.networkConnectionAction?.connectionDirection].compactMap { $0 }.joined(separator: " ") }),
                ("Remote address", remote?.ipAddressV4 ?? remote?.ipAddressV6),
                ("First / last seen", finding.map { "\($0.service.eventFirstSeen) / \($0.service.eventLastSeen)" }), ("Count", finding.map { String($0.service.count) }),
                ("Additional info", finding?.service.additionalInfo?.value),
            ]
            let summary = facts.compactMap { name, value in value.map { "<tr><th>\(name)</th><td>\(ConsoleHTML.escape($0))</td></tr>" } }.joined()
            detail = """
                <section><h2>Finding \(ConsoleHTML.escape(id))</h2><table>\(summary)</table>
                <form method="post" action="/console/findings/feedback">\(ConsoleHTML.csrfField(session))<input type="hidden" name="id" value="\(ConsoleHTML.escape(id))">
                <input type="hidden" name="back" value="\(ConsoleHTML.escape(back))">
                <button name="feedback" value="USEFUL">Useful</button> <button name="feedback" value="NOT_USEFUL">Not useful</button></form>
                <pre>\(ConsoleHTML.escape(String(decoding: pretty, as: UTF8.self)))</pre></section>
                """
        }
        func selected(_ name: String, _ value: String) -> String { ConsoleHTML.query(request, name) == value ? " selected" : "" }
        let next = page.nextToken.map { token -> String in
            var items = request.uri.queryParameters.filter { $0.key != "page" && $0.key != "id" }.map { "\($0.key)=\(String($0.value).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            items.append("page=\(token)")
            return #"<a href="/console/findings?\#(ConsoleHTML.escape(items.joined(separator: "&")))">Next page →</a>"#
        } ?? ""
        return """
            <section><form method="get" action="/console/findings">
            <label>Minimum severity <select name="severity"><option value="">any</option><option value="4"\(selected("severity", "4"))>Medium and up</option><option value="7"\(selected("severity", "7"))>High</option></select></label>
            <label>Type <input name="type" value="\(ConsoleHTML.escape(ConsoleHTML.query(request, "type") ?? ""))"></label>
            <label>Account <input name="account" value="\(ConsoleHTML.escape(ConsoleHTML.query(request, "account") ?? ""))" size="12"></label>
            <label>Instance <input name="resource" value="\(ConsoleHTML.escape(ConsoleHTML.query(request, "resource") ?? ""))" size="14"></label>
            <label>Sort <select name="sort"><option value="updatedAt">Last seen</option><option value="severity"\(selected("sort", "severity"))>Severity</option><option value="type"\(selected("sort", "type"))>Type</option><option value="service.count"\(selected("sort", "service.count"))>Count</option></select></label>
            <select name="order"><option value="DESC">descending</option><option value="ASC"\(selected("order", "ASC"))>ascending</option></select>
            <label>Criteria (JSON) <input name="criteria" size="40" placeholder='{"service.action.actionType":{"equals":["DNS_REQUEST"]}}' value="\(ConsoleHTML.escape(ConsoleHTML.query(request, "criteria") ?? ""))"></label>
            <label><select name="archived"><option value="false">Current</option><option value="true"\(selected("archived", "true"))>Archived</option></select></label>
            <button type="submit">Apply</button></form></section>
            <section><form id="bulk" method="post" action="/console/findings/archive">\(ConsoleHTML.csrfField(session))
            <input type="hidden" name="back" value="\(ConsoleHTML.escape(back))">
            <input type="hidden" name="archived" value="\(archived ? "false" : "true")"><button type="submit">\(archived ? "Unarchive" : "Archive") selected</button></form>
            <table><tr><th></th><th>Severity</th><th>Type</th><th>Resource</th><th>Account</th><th>Region</th><th>Last seen</th><th>Count</th></tr>\(rows)</table>
            <p>\(decoded.isEmpty ? "No findings match." : "") \(next)</p></section>\(detail)
            """
    }

    func usage(_ session: ConsoleSession, _ detector: String) async throws -> String {
        let rows = try await self.agents.usage(caller: session.caller, detectorId: detector)
        let grouped = Dictionary(grouping: rows) { "\($0.accountId)|\($0.dataSource)" }.sorted { $0.key < $1.key }
        let body = grouped.map { key, rows in
            let parts = key.split(separator: "|")
            return "<tr><td>\(ConsoleHTML.escape(String(parts[0])))</td><td>\(ConsoleHTML.escape(String(parts[1])))</td><td>\(rows.reduce(0) { $0 + $1.records })</td><td>\(rows.reduce(0) { $0 + $1.bytes })</td><td>\(rows.count)</td></tr>"
        }.joined()
        return "<section><p>What each account's agents analysed in the last 30 days.</p><table><tr><th>Account</th><th>Data source</th><th>Records</th><th>Bytes</th><th>Days</th></tr>\(body)</table></section>"
    }

    func settings(_ session: ConsoleSession, _ detector: String) async throws -> String {
        let current = try await self.detectors.getDetector(caller: session.caller, detectorId: detector)
        let options = [("FIFTEEN_MINUTES", "15 minutes"), ("ONE_HOUR", "1 hour"), ("SIX_HOURS", "6 hours")].map { value, label in
            #"<option value="\#(value)"\#(current.findingPublishingFrequency.rawValue == value ? " selected" : "")>\#(label)</option>"#
        }.joined()
        var rules: [GetFilterResponse] = []
        for name in try await self.findings.listFilters(caller: session.caller, detectorId: detector, maxResults: 50, nextToken: nil).items {
            rules.append(try await self.findings.getFilter(caller: session.caller, detectorId: detector, name: name))
        }
        return """
            <section><h2>Detector</h2><p>Detector \(ConsoleHTML.escape(detector)) is \(current.status.rawValue).</p>
            <form method="post" action="/console/settings/frequency">\(ConsoleHTML.csrfField(session))
            <label>Finding publishing frequency <select name="findingPublishingFrequency">\(options)</select></label> <button type="submit">Save</button></form></section>
            <section><h2>Sample findings</h2><form method="post" action="/console/settings/samples">\(ConsoleHTML.csrfField(session))
            <button type="submit">Generate sample findings</button></form></section>
            \(try self.rulesManagement(session, rules: rules))
            """
    }

    func listsPage(_ session: ConsoleSession, _ detector: String) async throws -> String {
        var rows: [(kind: ListKind, id: String, name: String, format: String, status: String, location: String)] = []
        for kind in ListKind.allCases {
            let page = try await self.lists.listLists(caller: session.caller, detectorId: detector, kind: kind, maxResults: 50, nextToken: nil)
            for id in page.items {
                let list = try await self.lists.getList(caller: session.caller, detectorId: detector, kind: kind, listId: id)
                let object = (try? JSONSerialization.jsonObject(with: try JSONEncoder().encode(list))) as? [String: Any] ?? [:]
                rows.append((kind, id, object["name"] as? String ?? id, object["format"] as? String ?? "", object["status"] as? String ?? "", object["location"] as? String ?? ""))
            }
        }
        return self.listsManagement(session, rows: rows)
    }

    func accountsPage(_ session: ConsoleSession, _ detector: String) async throws -> String {
        let members = try await self.members.listMembers(caller: session.caller, detectorId: detector, onlyAssociated: false, maxResults: 50, nextToken: nil).items
        let coverage = try await self.agents.coverage(caller: session.caller, detectorId: detector)
        let invitations = try await self.members.listInvitations(caller: session.caller, maxResults: 50, nextToken: nil).items
        return self.accountsManagement(session, members: members, coverage: coverage, invitations: invitations)
    }
}

/// A change refused before it reached a store: no session, or a missing or wrong CSRF token (403).
struct ConsoleRefusal: Error {
    let message: String
    var response: Response {
        ConsoleHTML.page(title: "Refused", session: nil, active: "", body: #"<p class="error">\#(ConsoleHTML.escape(self.message))</p><p><a href="/console/login">Sign in</a></p>"#, status: .forbidden)
    }
}
