import Foundation
import GuardDutyModel
import Hummingbird

/// The console's management pages and forms: lists, features (S3 Protection and the others), accounts and
/// invitations, suppression rules. Each form builds the API's request shape and calls the same store.
extension ConsoleRoutes {
    /// A request shape from a JSON object (the shapes are Decodable; this keeps their validation in one place).
    static func shape<T: Decodable>(_ type: T.Type, _ object: [String: Any]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: try JSONSerialization.data(withJSONObject: object))
        } catch is DecodingError {
            throw GuardDutyError.badRequest("The form is incomplete or has a value of the wrong kind.")
        }
    }

    func addManagementRoutes(to console: RouterGroup<GuardpostRequestContext>) {
        console.get("features") { request, _ in try await self.page(request, "/console/features", "S3 Protection and features", self.featuresPage) }
        console.post("lists/create") { request, _ -> Response in
            try await self.act(request, back: "/console/lists") { session, detector, form in
                let kind = ListKind(rawValue: form["kind"]?.first ?? "") ?? .threatIntelSet
                let body = try Self.shape(CreateListRequest.self, [
                    "name": form["name"]?.first ?? "", "format": form["format"]?.first ?? "TXT", "location": form["location"]?.first ?? "",
                    "activate": form["activate"]?.first == "on",
                ])
                _ = try await self.lists.createList(caller: session.caller, detectorId: detector, kind: kind, request: body)
            }
        }
        console.post("lists/change") { request, _ -> Response in
            try await self.act(request, back: "/console/lists") { session, detector, form in
                let kind = ListKind(rawValue: form["kind"]?.first ?? "") ?? .threatIntelSet
                let id = form["id"]?.first ?? ""
                switch form["do"]?.first {
                case "delete":
                    try await self.lists.deleteList(caller: session.caller, detectorId: detector, kind: kind, listId: id)
                default:
                    let body = try Self.shape(UpdateListRequest.self, ["activate": form["do"]?.first == "activate"])
                    try await self.lists.updateList(caller: session.caller, detectorId: detector, kind: kind, listId: id, request: body)
                }
            }
        }
        console.post("features") { request, _ -> Response in
            try await self.act(request, back: "/console/features") { session, detector, form in
                let name = form["feature"]?.first ?? ""
                let status = form["status"]?.first == "ENABLED" ? "ENABLED" : "DISABLED"
                let feature: [String: Any] = ["name": name, "status": status]
                try await self.detectors.updateDetector(
                    caller: session.caller, detectorId: detector, request: try Self.shape(UpdateDetectorRequest.self, ["features": [feature]])
                )
                // For a delegated administrator the choice is also the organisation's auto-enable setting (ALL/NONE).
                do {
                    try await self.organization.updateOrganizationConfiguration(
                        caller: session.caller, detectorId: detector,
                        request: try Self.shape(UpdateOrganizationConfigurationRequest.self, [
                            "features": [["name": name, "autoEnable": status == "ENABLED" ? "ALL" : "NONE"]],
                        ])
                    )
                } catch is GuardDutyError {
                    // Not an organisation administrator: its invited members are updated below.
                }
                // The administrator's choice applies to its members.
                let members = try await self.members.listMembers(caller: session.caller, detectorId: detector, onlyAssociated: true, maxResults: 50, nextToken: nil)
                if !members.items.isEmpty {
                    _ = try await self.members.updateMemberDetectors(
                        caller: session.caller, detectorId: detector,
                        request: try Self.shape(UpdateMemberDetectorsRequest.self, ["accountIds": members.items.map(\.accountId), "features": [feature]])
                    )
                }
            }
        }
        console.post("accounts/change") { request, _ -> Response in
            try await self.act(request, back: "/console/accounts") { session, detector, form in
                let ids = (form["account"] ?? []).filter { !$0.isEmpty }
                var unprocessed: [UnprocessedAccount] = []
                switch form["do"]?.first {
                case "add":
                    let email = form["email"]?.first ?? ""
                    unprocessed = try await self.members.createMembers(caller: session.caller, detectorId: detector, accounts: ids.map { AccountDetail(accountId: $0, email: email) })
                case "invite": unprocessed = try await self.members.inviteMembers(caller: session.caller, detectorId: detector, accountIds: ids, message: nil)
                case "disassociate": unprocessed = try await self.members.disassociateMembers(caller: session.caller, detectorId: detector, accountIds: ids)
                case "delete": unprocessed = try await self.members.deleteMembers(caller: session.caller, detectorId: detector, accountIds: ids)
                case "stop": unprocessed = try await self.members.setMonitoring(caller: session.caller, detectorId: detector, accountIds: ids, enabled: false)
                case "start": unprocessed = try await self.members.setMonitoring(caller: session.caller, detectorId: detector, accountIds: ids, enabled: true)
                default: throw GuardDutyError.badRequest("Choose what to do with the selected accounts.")
                }
                if let first = unprocessed.first { throw GuardDutyError.badRequest("\(first.accountId): \(first.result)") }
            }
        }
        console.post("invitations") { request, _ -> Response in
            try await self.act(request, back: "/console/accounts") { session, detector, form in
                let administrator = form["administrator"]?.first ?? ""
                if form["do"]?.first == "accept" {
                    try await self.members.acceptInvitation(
                        caller: session.caller, detectorId: detector, administratorId: administrator, invitationId: form["invitation"]?.first ?? ""
                    )
                } else {
                    let unprocessed = try await self.members.declineInvitations(caller: session.caller, administratorIds: [administrator])
                    if let first = unprocessed.first { throw GuardDutyError.badRequest("\(first.accountId): \(first.result)") }
                }
            }
        }
        console.post("rules/create") { request, _ -> Response in
            try await self.act(request, back: "/console/settings") { session, detector, form in
                let attribute = form["attribute"]?.first ?? "type"
                let values = (form["value"]?.first ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let body = try Self.shape(FilterRequest.self, [
                    "name": form["name"]?.first ?? "", "action": form["action"]?.first ?? "ARCHIVE",
                    "findingCriteria": ["criterion": [attribute: [(form["operator"]?.first == "matches" ? "matches" : "equals"): values]]],
                ])
                _ = try await self.findings.createFilter(caller: session.caller, detectorId: detector, request: body)
            }
        }
        console.post("rules/delete") { request, _ -> Response in
            try await self.act(request, back: "/console/settings") { session, detector, form in
                try await self.findings.deleteFilter(caller: session.caller, detectorId: detector, name: form["name"]?.first ?? "")
            }
        }
    }

    func featuresPage(_ session: ConsoleSession, _ detector: String) async throws -> String {
        let current = try await self.detectors.getDetector(caller: session.caller, detectorId: detector)
        let rows = current.features.filter { !["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS"].contains($0.name) }.map { feature -> String in
            let on = feature.status == .enabled
            let label = feature.name == "S3_DATA_EVENTS" ? "S3 Protection (S3 data events)" : feature.name
            return """
                <tr><td>\(ConsoleHTML.escape(label))</td><td>\(feature.status.rawValue)</td><td><form method="post" action="/console/features">\(ConsoleHTML.csrfField(session))
                <input type="hidden" name="feature" value="\(ConsoleHTML.escape(feature.name))"><input type="hidden" name="status" value="\(on ? "DISABLED" : "ENABLED")">
                <button type="submit">\(on ? "Turn off" : "Turn on")</button></form></td></tr>
                """
        }.joined()
        return """
            <section><p>Features of this account's detector. A change also applies to every associated member (UpdateMemberDetectors) and, for an organisation's delegated administrator, becomes the organisation's auto-enable setting (ALL or NONE); agents receive it within a second.</p>
            <table><tr><th>Feature</th><th>Status</th><th></th></tr>\(rows)</table></section>
            """
    }

    /// The lists with their actions, and the form that adds one.
    func listsManagement(_ session: ConsoleSession, rows: [(kind: ListKind, id: String, name: String, format: String, status: String, location: String)]) -> String {
        let csrf = ConsoleHTML.csrfField(session)
        let body = rows.map { row in
            let actions = ["activate", "deactivate", "delete"].map { action in
                """
                <form method="post" action="/console/lists/change" style="display:inline">\(csrf)<input type="hidden" name="kind" value="\(row.kind.rawValue)">
                <input type="hidden" name="id" value="\(ConsoleHTML.escape(row.id))"><button name="do" value="\(action)">\(action.capitalized)</button></form>
                """
            }.joined()
            return "<tr><td>\(row.kind.displayName)</td><td>\(ConsoleHTML.escape(row.name))</td><td>\(ConsoleHTML.escape(row.format))</td><td>\(ConsoleHTML.escape(row.status))</td><td>\(ConsoleHTML.escape(row.location))</td><td>\(actions)</td></tr>"
        }.joined()
        let kinds = ListKind.allCases.map { #"<option value="\#($0.rawValue)">\#($0.displayName)</option>"# }.joined()
        let formats = ListFileFormat.allCases.map { #"<option>\#($0.rawValue)</option>"# }.joined()
        return """
            <section><table><tr><th>Kind</th><th>Name</th><th>Format</th><th>Status</th><th>Location</th><th></th></tr>\(body)</table></section>
            <section><h2>Add a list</h2><form method="post" action="/console/lists/create">\(csrf)
            <select name="kind">\(kinds)</select> <input name="name" placeholder="name" required> <select name="format">\(formats)</select>
            <input name="location" placeholder="s3://bucket/key or https://…" size="40" required> <label><input type="checkbox" name="activate" checked> activate</label>
            <button type="submit">Add</button></form></section>
            """
    }

    /// Members with their actions (administrator), or the account's invitations (member).
    func accountsManagement(_ session: ConsoleSession, members: [Member], coverage: [CoverageResource], invitations: [Invitation]) -> String {
        let csrf = ConsoleHTML.csrfField(session)
        let memberRows = members.map { member -> String in
            let agents = coverage.filter { $0.accountId == member.accountId }
            let healthy = agents.filter { $0.coverageStatus == "HEALTHY" }.count
            return """
                <tr><td><input type="checkbox" name="account" value="\(ConsoleHTML.escape(member.accountId))" form="members"></td><td>\(ConsoleHTML.escape(member.accountId))</td>
                <td>\(ConsoleHTML.escape(member.email))</td><td>\(member.relationshipStatus.rawValue)</td><td>\(healthy) of \(agents.count) healthy</td></tr>
                """
        }.joined()
        let actions = ["invite", "disassociate", "stop", "start", "delete"].map { #"<button name="do" value="\#($0)">\#($0.capitalized)</button>"# }.joined(separator: " ")
        let invitationRows = invitations.map { invitation in
            """
            <tr><td>\(ConsoleHTML.escape(invitation.accountId))</td><td>\(invitation.relationshipStatus.rawValue)</td><td>\(ConsoleHTML.escape(invitation.invitedAt))</td><td>
            <form method="post" action="/console/invitations">\(csrf)<input type="hidden" name="administrator" value="\(ConsoleHTML.escape(invitation.accountId))">
            <input type="hidden" name="invitation" value="\(ConsoleHTML.escape(invitation.invitationId))">
            <button name="do" value="accept">Accept</button> <button name="do" value="decline">Decline</button></form></td></tr>
            """
        }.joined()
        let agentRows = coverage.map { agent in
            "<tr><td>\(ConsoleHTML.escape(agent.resourceId))</td><td>\(ConsoleHTML.escape(agent.accountId))</td><td>\(ConsoleHTML.escape(agent.resourceDetails.ec2InstanceDetails.instanceId))</td><td>\(agent.coverageStatus)</td><td>\(ConsoleHTML.escape(agent.issue ?? ""))</td></tr>"
        }.joined()
        return """
            <section><h2>Members</h2><form id="members" method="post" action="/console/accounts/change">\(csrf)\(actions)</form>
            <table><tr><th></th><th>Account</th><th>Email</th><th>Status</th><th>Agents</th></tr>\(memberRows)</table>
            <form method="post" action="/console/accounts/change">\(csrf)<input name="account" placeholder="12-digit account id" required>
            <input name="email" type="email" placeholder="email" required> <button name="do" value="add">Add member</button></form></section>
            <section><h2>Invitations to this account</h2><table><tr><th>Administrator</th><th>Status</th><th>Invited</th><th></th></tr>\(invitationRows)</table></section>
            <section><h2>Agents</h2><table><tr><th>Agent</th><th>Account</th><th>Host</th><th>Status</th><th>Issue</th></tr>\(agentRows)</table></section>
            """
    }

    /// The rules table with delete buttons, and a form for a one-attribute rule.
    func rulesManagement(_ session: ConsoleSession, rules: [GetFilterResponse]) throws -> String {
        let csrf = ConsoleHTML.csrfField(session)
        let rows = try rules.map { rule -> String in
            let criteria = String(decoding: try JSONEncoder().encode(rule.findingCriteria), as: UTF8.self)
            return """
                <tr><td>\(ConsoleHTML.escape(rule.name))</td><td>\(rule.action)</td><td>\(rule.rank)</td><td><code>\(ConsoleHTML.escape(criteria))</code></td>
                <td><form method="post" action="/console/rules/delete">\(csrf)<input type="hidden" name="name" value="\(ConsoleHTML.escape(rule.name))"><button>Delete</button></form></td></tr>
                """
        }.joined()
        let attributes = ["type", "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4", "service.action.awsApiCallAction.remoteIpDetails.ipAddressV4",
                          "resource.instanceDetails.instanceId", "accountId", "severity"].map { "<option>\($0)</option>" }.joined()
        return """
            <section><h2>Suppression rules and filters</h2><table><tr><th>Name</th><th>Action</th><th>Rank</th><th>Criteria</th><th></th></tr>\(rows)</table>
            <form method="post" action="/console/rules/create">\(csrf)<input name="name" placeholder="rule-name" required pattern="[A-Za-z0-9._-]{3,64}">
            <select name="attribute">\(attributes)</select> <select name="operator"><option value="equals">equals</option><option value="matches">matches (wildcards)</option></select>
            <input name="value" placeholder="value, value…" required> <select name="action"><option>ARCHIVE</option><option>NOOP</option></select>
            <button type="submit">Add rule</button></form></section>
            """
    }
}
