import AdminServer
import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

/// The web console's pages and actions through the router, on real PostgreSQL.
@Suite("Console")
struct ConsoleTests {
    struct Browser {
        let server: TestServer
        var cookie: String?

        mutating func signIn(_ key: IssuedAccessKey, secret: String? = nil) async throws -> (status: Int, setCookie: String?) {
            let body = "accessKeyId=\(key.accessKeyId)&secretAccessKey=\((secret ?? key.secretAccessKey).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&region=us-east-1"
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
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=3600") && cookie.contains("Path=/console"))
            for (path, text) in [("/console", "Current findings by severity"), ("/console/findings", "No findings match"), ("/console/usage", "last 30 days"),
                                 ("/console/settings", "Finding publishing frequency"), ("/console/lists", "<table>"), ("/console/accounts", "Members")] {
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
            try await server.ingest(member, detectorId: memberDetector, [makeFinding(account: member.accountId, detectorId: memberDetector, id: "c1", severity: 8)])
            var browser = Browser(server: server)
            _ = try await browser.signIn(admin)
            let findings = try await browser.get("/console/findings?severity=7")
            #expect(findings.html.contains("UnauthorizedAccess:EC2/SSHBruteForce") && findings.html.contains(member.accountId))
            // Any ListFindings criteria through the criteria field; a malformed one is a clear error.
            let byPort = try await browser.get("/console/findings?criteria=%7B%22service.action.networkConnectionAction.localPortDetails.port%22%3A%7B%22equals%22%3A%5B%2222%22%5D%7D%7D")
            #expect(byPort.html.contains("c1"))
            let noMatch = try await browser.get("/console/findings?criteria=%7B%22service.action.networkConnectionAction.localPortDetails.port%22%3A%7B%22equals%22%3A%5B%223389%22%5D%7D%7D")
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
            #expect(try await server.call(admin, .get, "/detector/\(adminDetector)").body["findingPublishingFrequency"] as? String == "FIFTEEN_MINUTES")
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
            #expect(try await adminBrowser.post("/console/accounts/change", "do=add&account=\(member.accountId)&email=m%40example.com&csrf=\(token)").status == 303)
            #expect(try await adminBrowser.post("/console/accounts/change", "do=invite&account=\(member.accountId)&csrf=\(token)").status == 303)
            #expect(try await adminBrowser.get("/console/accounts").html.contains("Invited"))
            // The member accepts in its own console.
            var memberBrowser = Browser(server: server)
            _ = try await memberBrowser.signIn(member)
            let invitations = try await memberBrowser.get("/console/accounts")
            #expect(invitations.html.contains(admin.accountId))
            let invitationId = try require(invitations.html.range(of: #"name="invitation" value=""#).map { String(invitations.html[$0.upperBound...].prefix { $0 != "\"" }) })
            let accepted = try await memberBrowser.post(
                "/console/invitations", "do=accept&administrator=\(admin.accountId)&invitation=\(invitationId)&csrf=\(try memberBrowser.csrf(invitations.html))"
            )
            #expect(accepted.status == 303)
            #expect(try await adminBrowser.get("/console/accounts").html.contains("Enabled"))
            // S3 Protection off for the administrator and its members.
            #expect(try await adminBrowser.post("/console/features", "feature=S3_DATA_EVENTS&status=DISABLED&csrf=\(token)").status == 303)
            let memberDetectors = try await server.call(admin, .post, "/detector/\(adminDetector)/member/detector/get", json: #"{"accountIds":["\#(member.accountId)"]}"#)
            let features = ((memberDetectors.body["members"] as? [[String: Any]])?.first?["features"] as? [[String: Any]]) ?? []
            #expect(features.first { $0["name"] as? String == "S3_DATA_EVENTS" }?["status"] as? String == "DISABLED")
            #expect(try await adminBrowser.get("/console/features").html.contains("Turn on"))
            // Lists: add (activation runs in the background), then delete.
            let added = try await adminBrowser.post(
                "/console/lists/create", "kind=THREAT_INTEL_SET&name=feeds&format=TXT&location=https%3A%2F%2Fexample.invalid%2Fl.txt&csrf=\(token)"
            )
            #expect(added.status == 303)
            let listsPage = try await adminBrowser.get("/console/lists")
            #expect(listsPage.html.contains("feeds"))
            let listId = try require(listsPage.html.range(of: #"name="id" value=""#).map { String(listsPage.html[$0.upperBound...].prefix { $0 != "\"" }) })
            #expect(try await adminBrowser.post("/console/lists/change", "kind=THREAT_INTEL_SET&id=\(listId)&do=delete&csrf=\(token)").status == 303)
            #expect(!(try await adminBrowser.get("/console/lists").html.contains("feeds")))
            // Suppression rules: the administrator adds and deletes one; the member cannot add one.
            #expect(try await adminBrowser.post("/console/rules/create", "name=noise&attribute=type&operator=equals&value=Recon%3AEC2%2FPortscan&action=ARCHIVE&csrf=\(token)").status == 303)
            #expect(try await server.call(admin, .get, "/detector/\(adminDetector)/filter").body["filterNames"] as? [String] == ["noise"])
            let memberToken = try memberBrowser.csrf(try await memberBrowser.get("/console/settings").html)
            #expect(try await memberBrowser.post("/console/rules/create", "name=mine&attribute=type&operator=equals&value=x&action=ARCHIVE&csrf=\(memberToken)").status == 400)
            #expect(try await adminBrowser.post("/console/rules/delete", "name=noise&csrf=\(token)").status == 303)
            #expect(try await server.call(admin, .get, "/detector/\(adminDetector)/filter").body["filterNames"] as? [String] == [])
            _ = memberDetector
        }
    }
}
