import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import AdminServer

/// The web console's pages and actions through the router, on real PostgreSQL.
@Suite("Console")
struct ConsoleTests {
    struct Browser {
        let server: TestServer
        var cookie: String?

        mutating func signIn(_ key: IssuedAccessKey, secret: String? = nil) async throws -> (status: Int, setCookie: String?) {
            let body =
                "accessKeyId=\(key.accessKeyId)&secretAccessKey=\((secret ?? key.secretAccessKey).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&region=us-east-1"
            let response = try await self.server.client.execute(
                uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
            )
            let setCookie = response.headers[.setCookie]
            if let setCookie, let value = setCookie.split(separator: ";").first { self.cookie = String(value) }
            return (Int(response.status.code), setCookie)
        }

        func get(_ path: String) async throws -> (status: Int, html: String, location: String?) {
            var headers = HTTPFields()
            if let cookie { headers[.cookie] = cookie }
            let response = try await self.server.client.execute(uri: path, method: .get, headers: headers, body: nil)
            return (Int(response.status.code), String(buffer: response.body), response.headers[.location])
        }

        func post(_ path: String, _ form: String) async throws -> (status: Int, html: String, location: String?) {
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let cookie { headers[.cookie] = cookie }
            let response = try await self.server.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: form))
            return (Int(response.status.code), String(buffer: response.body), response.headers[.location])
        }

        func csrf(_ html: String) throws -> String {
            guard let range = html.range(of: #"name="csrf" value=""#) else { throw TestFailure(message: "no CSRF field") }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    @Test func signInSetsAStrictHttpOnlyCookieAndWrongSecretsAreRefused() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            _ = try await server.createDetector(key)
            var browser = Browser(server: server)
            #expect(try await browser.get("/console").location == "/console/login")
            #expect(try await browser.signIn(key, secret: "wrong-secret-of-the-same-length-as-none").status == 401)
            let signed = try await browser.signIn(key)
            #expect(signed.status == 303)
            let cookie = try require(signed.setCookie)
            #expect(
                cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=3600")
                    && cookie.contains("Path=/console"))
            for (path, text) in [
                ("/console", "Current findings by severity"), ("/console/findings", "No findings match"), ("/console/usage", "last 30 days"),
                ("/console/settings", "Finding publishing frequency"), ("/console/lists", "<table>"), ("/console/accounts", "Members"),
            ] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path)")
                #expect(page.html.contains(text), "\(path)")
                #expect(!page.html.contains("<script"), "\(path)")
            }
            // An expired session sends the browser back to the sign-in page.
            try await server.postgres.query("UPDATE console_sessions SET expires_at = now() - interval '1 minute'")
            #expect(try await browser.get("/console/findings").location == "/console/login")
        }
    }

    @Test func changesNeedTheSessionsCSRFTokenAndFollowTheAPIsAuthorization() async throws {
        try await TestServer.run { server in
            let (admin, adminDetector, member, memberDetector) = try await server.enrolledPair()
            try await server.ingest(
                member, detectorId: memberDetector, [makeFinding(account: member.accountId, detectorId: memberDetector, id: "c1", severity: 8)])
            var browser = Browser(server: server)
            _ = try await browser.signIn(admin)
            let findings = try await browser.get("/console/findings?severity=7")
            #expect(findings.html.contains("UnauthorizedAccess:EC2/SSHBruteForce") && findings.html.contains(member.accountId))
            // Any ListFindings criteria through the criteria field; a malformed one is a clear error.
            let byPort = try await browser.get(
                "/console/findings?criteria=%7B%22service.action.networkConnectionAction.localPortDetails.port%22%3A%7B%22equals%22%3A%5B%2222%22%5D%7D%7D"
            )
            #expect(byPort.html.contains("c1"))
            let noMatch = try await browser.get(
                "/console/findings?criteria=%7B%22service.action.networkConnectionAction.localPortDetails.port%22%3A%7B%22equals%22%3A%5B%223389%22%5D%7D%7D"
            )
            #expect(noMatch.html.contains("No findings match"))
            #expect(try await browser.get("/console/findings?criteria=nonsense").status == 400)
            let token = try browser.csrf(findings.html)
            // Without the token nothing changes.
            #expect(try await browser.post("/console/findings/archive", "id=c1&archived=true").status == 403)
            #expect(try await browser.post("/console/findings/archive", "id=c1&archived=true&csrf=0000").status == 403)
            #expect(try await browser.get("/console/findings?archived=true").html.contains("No findings match"))
            let archived = try await browser.post("/console/findings/archive", "id=c1&archived=true&csrf=\(token)")
            #expect(archived.status == 303)
            #expect(try await browser.get("/console/findings?archived=true").html.contains("c1"))
            // The detail pane shows the whole finding; feedback and frequency change through forms.
            let detail = try await browser.get("/console/findings?archived=true&id=c1")
            #expect(detail.html.contains("&quot;instanceId&quot;"))
            #expect(try await browser.post("/console/findings/feedback", "id=c1&feedback=USEFUL&csrf=\(token)").status == 303)
            #expect(try await browser.post("/console/settings/frequency", "findingPublishingFrequency=FIFTEEN_MINUTES&csrf=\(token)").status == 303)
            #expect(
                try await server.call(admin, .get, "/detector/\(adminDetector)").body["findingPublishingFrequency"] as? String == "FIFTEEN_MINUTES")
            // The member sees its own finding but cannot archive: the API's refusal, shown as a page.
            var memberBrowser = Browser(server: server)
            _ = try await memberBrowser.signIn(member)
            let own = try await memberBrowser.get("/console/findings?archived=true&id=c1")
            #expect(own.html.contains("c1"))
            let refused = try await memberBrowser.post("/console/findings/archive", "id=c1&archived=false&csrf=\(try memberBrowser.csrf(own.html))")
            #expect(refused.status == 400 && refused.html.contains("administrator"))
            // Another account's finding id reveals nothing.
            let outsider = try await server.account()
            _ = try await server.createDetector(outsider)
            var outsiderBrowser = Browser(server: server)
            _ = try await outsiderBrowser.signIn(outsider)
            #expect(!(try await outsiderBrowser.get("/console/findings?archived=true&id=c1").html.contains("instanceId")))
        }
    }

    @Test func membersListsFeaturesAndRulesAreManagedThroughForms() async throws {
        try await TestServer.run { server in
            let admin = try await server.account()
            let member = try await server.account()
            let adminDetector = try await server.createDetector(admin)
            let memberDetector = try await server.createDetector(member)
            var adminBrowser = Browser(server: server)
            _ = try await adminBrowser.signIn(admin)
            let token = try adminBrowser.csrf(try await adminBrowser.get("/console/accounts").html)
            #expect(
                try await adminBrowser.post("/console/accounts/change", "do=add&account=\(member.accountId)&email=m%40example.com&csrf=\(token)")
                    .status == 303)
            #expect(try await adminBrowser.post("/console/accounts/change", "do=invite&account=\(member.accountId)&csrf=\(token)").status == 303)
            #expect(try await adminBrowser.get("/console/accounts").html.contains("Invited"))
            // The member accepts in its own console.
            var memberBrowser = Browser(server: server)
            _ = try await memberBrowser.signIn(member)
            let invitations = try await memberBrowser.get("/console/accounts")
            #expect(invitations.html.contains(admin.accountId))
            let invitationId = try require(
                invitations.html.range(of: #"name="invitation" value=""#).map { String(invitations.html[$0.upperBound...].prefix { $0 != "\"" }) })
            let accepted = try await memberBrowser.post(
                "/console/invitations",
                "do=accept&administrator=\(admin.accountId)&invitation=\(invitationId)&csrf=\(try memberBrowser.csrf(invitations.html))"
            )
            #expect(accepted.status == 303)
            #expect(try await adminBrowser.get("/console/accounts").html.contains("Enabled"))
            // S3 Protection off for the administrator and its members.
            #expect(try await adminBrowser.post("/console/features", "feature=S3_DATA_EVENTS&status=DISABLED&csrf=\(token)").status == 303)
            let memberDetectors = try await server.call(
                admin, .post, "/detector/\(adminDetector)/member/detector/get", json: #"{"accountIds":["\#(member.accountId)"]}"#)
            let features = ((memberDetectors.body["members"] as? [[String: Any]])?.first?["features"] as? [[String: Any]]) ?? []
            #expect(features.first { $0["name"] as? String == "S3_DATA_EVENTS" }?["status"] as? String == "DISABLED")
            let featuresPage = try await adminBrowser.get("/console/features").html
            #expect(featuresPage.contains("Turn on"))
            // What this server does not analyse is shown as such, without a button.
            #expect(featuresPage.contains("RDS_LOGIN_EVENTS</td><td>DISABLED</td><td>Not provided by this server"))
            // Lists: add (activation runs in the background), then delete.
            let added = try await adminBrowser.post(
                "/console/lists/create", "kind=THREAT_INTEL_SET&name=feeds&format=TXT&location=https%3A%2F%2Fexample.invalid%2Fl.txt&csrf=\(token)"
            )
            #expect(added.status == 303)
            let listsPage = try await adminBrowser.get("/console/lists")
            #expect(listsPage.html.contains("feeds"))
            let listId = try require(
                listsPage.html.range(of: #"name="id" value=""#).map { String(listsPage.html[$0.upperBound...].prefix { $0 != "\"" }) })
            #expect(try await adminBrowser.post("/console/lists/change", "kind=THREAT_INTEL_SET&id=\(listId)&do=delete&csrf=\(token)").status == 303)
            #expect(!(try await adminBrowser.get("/console/lists").html.contains("feeds")))
            // Suppression rules: the administrator adds and deletes one; the member cannot add one.
            #expect(
                try await adminBrowser.post(
                    "/console/rules/create", "name=noise&attribute=type&operator=equals&value=Recon%3AEC2%2FPortscan&action=ARCHIVE&csrf=\(token)"
                ).status == 303)
            #expect(try await server.call(admin, .get, "/detector/\(adminDetector)/filter").body["filterNames"] as? [String] == ["noise"])
            let memberToken = try memberBrowser.csrf(try await memberBrowser.get("/console/settings").html)
            #expect(
                try await memberBrowser.post(
                    "/console/rules/create", "name=mine&attribute=type&operator=equals&value=x&action=ARCHIVE&csrf=\(memberToken)"
                ).status == 400)
            #expect(try await adminBrowser.post("/console/rules/delete", "name=noise&csrf=\(token)").status == 303)
            #expect(try await server.call(admin, .get, "/detector/\(adminDetector)/filter").body["filterNames"] as? [String] == [])
            _ = memberDetector
        }
    }

    @Test func aFormWithAWrongValueIsRefusedWithAClearMessageAndChangesNothing() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            var browser = Browser(server: server)
            _ = try await browser.signIn(key)
            let token = try browser.csrf(try await browser.get("/console/settings").html)
            let before = try await server.call(key, .get, "/detector/\(detector)").body["findingPublishingFrequency"] as? String
            let location = "location=https%3A%2F%2Fexample.invalid%2Fl.txt"
            for (path, form, says) in [
                (
                    "/console/settings/frequency", "findingPublishingFrequency=FIFTEEN_MINUTES%22%2C%22x%22%3A%22",
                    "FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS"
                ),
                ("/console/features", "feature=NOT_A_FEATURE&status=ENABLED", "S3_DATA_EVENTS"),
                ("/console/features", "feature=RDS_LOGIN_EVENTS&status=ENABLED", "RDS_LOGIN_EVENTS is not provided by this server"),
                ("/console/lists/create", "kind=IP_SET&name=x&format=PDF&\(location)", "TXT, STIX"),
                ("/console/findings/archive", "id=%zz", "could not be read"),
            ] {
                let answer = try await browser.post(path, form + "&csrf=\(token)")
                #expect(answer.status == 400, "\(path)")
                #expect(answer.html.contains(#"class="error""#) && answer.html.contains(says), "\(path): \(answer.html)")
            }
            #expect(try await server.call(key, .get, "/detector/\(detector)").body["findingPublishingFrequency"] as? String == before)
            // A sign-in form that cannot be read is a 400 page too.
            let signIn = try await Browser(server: server).post("/console/login", "accessKeyId=%zz&secretAccessKey=x")
            #expect(signIn.status == 400 && signIn.html.contains(#"class="error""#))
            // A hostile list name is shown as text.
            let hostile = "%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E"
            #expect(try await browser.post("/console/lists/create", "kind=IP_SET&name=\(hostile)&format=TXT&\(location)&csrf=\(token)").status == 303)
            let lists = try await browser.get("/console/lists").html
            #expect(!lists.contains("<script") && lists.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;"))
        }
    }

    // MARK: templates, view models and forms, without PostgreSQL

    @Test func theEmbeddedTemplatesAreTheTemplateFilesAndAllParse() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/AdminServer/Console/Templates").standardized
        var sources: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".mustache") {
            sources[String(file.dropLast(".mustache".count))] = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        }
        #expect(!sources.isEmpty)
        #expect(sources == ConsoleTemplates.embedded, "ConsoleTemplates+Embedded.swift is out of date: run scripts/embed-templates.sh")
        _ = try ConsoleTemplates.library(sources)
    }

    @Test func everyPageShowsHostileValuesAsText() throws {
        let bad = #"x"><script>alert('1')</script>&"#
        let shown = "x&quot;&gt;&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;&amp;"
        let session = ConsoleSession(accountId: bad, region: bad, csrfToken: bad)
        let filter = FindingsQuery(
            severity: bad, type: bad, account: bad, resource: bad, criteria: bad, sort: bad, order: bad, archived: bad, page: bad, id: bad)
        let row = FindingsView.Row(
            id: bad, band: bad, colour: bad, severity: bad, linkPrefix: bad, type: bad, resource: bad, accountId: bad, region: bad, updatedAt: bad,
            count: 1
        )
        let detail = FindingDetailView(id: bad, facts: [.init(name: bad, value: bad)], back: bad, json: bad)
        let pages: [(String, String)] = [
            ("login", ConsoleRenderer.html("login", ConsolePage(title: bad, session: nil, active: "", content: LoginView(error: bad)))),
            ("message", self.render("message", session, ConsoleMessage(bad, link: .init(href: bad, label: bad)))),
            ("no-detector", self.render("no-detector", session, NoDetectorView(region: bad))),
            (
                "summary",
                self.render(
                    "summary", session,
                    SummaryView(
                        cards: [.init(name: bad, colour: bad, count: 1)], chartWidth: 200,
                        bars: [.init(x: 0, y: 1, height: 2, colour: bad, day: bad, total: 1, label: bad)],
                        tables: [.init(title: bad, rows: [.init(label: bad, total: 1)])]
                    ))
            ),
            (
                "usage",
                self.render(
                    "usage", session,
                    UsageView(
                        rows: [.init(accountId: bad, dataSource: bad, records: 1, bytes: 2, days: 3, quantity: bad, cost: bad)],
                        accounts: [.init(accountId: bad, cost: bad)], total: bad, priceDate: bad, priceRegion: bad, priceSource: bad
                    ))
            ),
            (
                "findings",
                self.render(
                    "findings", session,
                    FindingsView(
                        filter: filter, severityMedium: true, severityHigh: false, sorts: [.init(value: bad, label: bad, selected: true)],
                        ascending: true,
                        archived: false, back: bad, archiveValue: bad, archiveLabel: bad, rows: [row], next: bad, detail: detail
                    ))
            ),
            (
                "settings",
                self.render(
                    "settings", session,
                    SettingsView(
                        detectorId: bad, status: bad, frequencies: [.init(value: bad, label: bad, selected: true)],
                        rules: [.init(name: bad, action: bad, rank: 1, criteria: bad)]
                    ))
            ),
            (
                "lists",
                self.render(
                    "lists", session,
                    ListsView(
                        rows: [.init(kind: bad, kindName: bad, id: bad, name: bad, format: bad, status: bad, location: bad)]
                    ))
            ),
            (
                "features",
                self.render(
                    "features", session,
                    FeaturesView(rows: [.init(label: bad, status: bad, name: bad, provided: true, nextStatus: bad, button: bad)], analysed: bad)
                )
            ),
            (
                "accounts",
                self.render(
                    "accounts", session,
                    AccountsView(
                        members: [.init(accountId: bad, email: bad, status: bad, healthy: 1, agentCount: 2)],
                        invitations: [.init(accountId: bad, status: bad, invitedAt: bad, invitationId: bad)],
                        agents: [.init(resourceId: bad, accountId: bad, instanceId: bad, status: bad, issue: bad)]
                    ))
            ),
        ]
        #expect(Set(pages.map(\.0)).isSuperset(of: ConsoleTemplates.embedded.keys.filter { !["layout", "nav", "style", "csrf"].contains($0) }))
        for (name, html) in pages {
            #expect(!html.contains("<script") && !html.contains(#"x">"#) && !html.contains("'1'"), "\(name)")
            #expect(html.contains(shown), "\(name)")
        }
    }

    func render<Content>(_ template: String, _ session: ConsoleSession, _ content: Content) -> String {
        ConsoleRenderer.html(template, ConsolePage(title: "Page", session: session, active: "/console", content: content))
    }

    @Test func formsKeepEveryTickedCheckboxAndTheFirstValueOfAnyOtherField() throws {
        let archive = try ArchiveFindingsForm.decode("id=a&archived=false&id=b+c%2B&archived=true&id[x]=d&csrf=t&flag")
        #expect(archive.id == ["a", "b c+"] && archive.archived == "false" && !archive.archive)
        let members = try MemberActionForm.decode("account=111122223333&do=add&email=m%40example.com")
        #expect(members.accountIds == ["111122223333"] && members.email == "m@example.com" && members.do == "add")
        #expect(try FindingFeedbackForm.decode(String(repeating: "id=x&", count: 5000)).id?.count == 1000)
        #expect(try ConsoleChangeFields.decode("csrf=t&back=https%3A%2F%2Fevil.example").destination(or: "/console/lists") == "/console/lists")
        #expect(
            try ConsoleChangeFields.decode("back=%2Fconsole%2Ffindings%3Fsort%3Dtype").destination(or: "/console") == "/console/findings?sort=type")
    }

    @Test func anUnreadableFormOrAValueOutsideTheAPIsIsABadRequestThatSaysWhy() throws {
        for body in ["csrf=%zz", "csrf=t&name=%", "%E0%A4%A=1"] {
            let error = try #require(throws: GuardDutyError.self) { try ConsoleChangeFields.decode(body) }
            #expect(error.status == 400 && error.message.contains("could not be read"), "\(body)")
        }
        let frequency = try #require(throws: GuardDutyError.self) {
            try PublishingFrequencyForm.decode("findingPublishingFrequency=HOURLY").request()
        }
        #expect(frequency.status == 400 && frequency.message.contains("FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS"))
        #expect(throws: GuardDutyError.self) { try FeatureForm.decode("feature=S3&status=ENABLED").detectorRequest() }
        #expect(throws: GuardDutyError.self) { try CreateListForm.decode("format=PDF&name=x").request() }
        let rule = try CreateRuleForm.decode("name=noise&attribute=type&operator=matches&value=Recon*%2C+x&action=NOOP").request()
        #expect(rule.name == "noise" && rule.action == "NOOP" && rule.findingCriteria?.criterion?["type"]?.matches == ["Recon*", "x"])
        #expect(try PublishingFrequencyForm.decode("findingPublishingFrequency=ONE_HOUR").request().findingPublishingFrequency == .oneHour)
    }

    /// A finding's link keeps the page's filter but not the finding already open, so the link opens its own finding.
    @Test func findingLinksDropTheOpenFindingsId() {
        #expect(FindingsView.linkPrefix("severity=7&id=a&sort=type") == "severity=7&sort=type&")
        #expect(FindingsView.linkPrefix("id=a") == "")
        #expect(FindingsView.linkPrefix("") == "")
        #expect(FindingsView.linkPrefix("archived=true") == "archived=true&")
    }
}
