import Foundation
import GuardDutyModel
import Hummingbird

/// The findings page (filter, list, detail) and its changes: archive, unarchive, feedback.
extension ConsoleRoutes {
    func addFindingRoutes(to console: RouterGroup<GuardpostRequestContext>) {
        console.get("findings") { request, _ in
            try await self.page(request, "/console/findings", "Findings", template: "findings") { try await self.findingsPage(request, $0, $1) }
        }
        console.post("findings/archive") { request, _ -> Response in
            try await self.act(request, back: "/console/findings", ArchiveFindingsForm.self) { session, detector, form in
                try await self.findings.setArchived(
                    caller: session.caller, detectorId: detector, ids: try Validate.findingIds(form.id ?? []), archived: form.archive
                )
            }
        }
        console.post("findings/feedback") { request, _ -> Response in
            try await self.act(request, back: "/console/findings", FindingFeedbackForm.self) { session, detector, form in
                try await self.findings.setFeedback(
                    caller: session.caller, detectorId: detector, ids: try Validate.findingIds(form.id), feedback: form.feedback ?? ""
                )
            }
        }
    }

    /// The filter's criteria as ListFindings takes them; `criteria` adds any others ({"attribute.path": {"gte": 5}, …}).
    static func criterion(_ filter: FindingsQuery) throws -> [String: Condition] {
        var criterion: [String: Condition] = ["service.archived": Condition(equals: [filter.archived == "true" ? "true" : "false"])]
        if let minimum = filter.severity.flatMap(Int64.init) { criterion["severity"] = Condition(greaterThanOrEqual: minimum) }
        if let type = filter.type { criterion["type"] = Condition(equals: [type]) }
        if let account = filter.account { criterion["accountId"] = Condition(equals: [account]) }
        if let resource = filter.resource { criterion["resource.instanceDetails.instanceId"] = Condition(equals: [resource]) }
        if let raw = filter.criteria {
            guard let extra = try? JSONDecoder().decode([String: Condition].self, from: Data(raw.utf8)) else {
                throw GuardDutyError.badRequest("The criteria field is not JSON of the form {\"attribute.path\": {\"equals\": [\"value\"]}}.")
            }
            criterion.merge(extra) { _, new in new }
        }
        return criterion
    }

    func findingsPage(_ request: Request, _ session: ConsoleSession, _ detector: String) async throws -> FindingsView {
        let query = request.uri.query ?? ""
        let filter = try FindingsQuery.decode(query).filled
        let sort = SortCriteria(attributeName: filter.sort ?? "updatedAt", orderBy: filter.order == "ASC" ? "ASC" : "DESC")
        let list = ListFindingsRequest(
            findingCriteria: FindingCriteria(criterion: try Self.criterion(filter)), sortCriteria: sort, maxResults: 25, nextToken: filter.page
        )
        let page = try await self.findings.listFindings(caller: session.caller, detectorId: detector, request: list)
        let documents =
            page.findingIds.isEmpty
            ? [] : try await self.findings.getFindings(caller: session.caller, detectorId: detector, ids: page.findingIds, sort: sort)
        let decoded = documents.compactMap { try? JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
        let back = "/console/findings" + (query.isEmpty ? "" : "?" + query)
        var detail: FindingDetailView?
        if let id = filter.id,
            let document = try await self.findings.getFindings(caller: session.caller, detectorId: detector, ids: [id], sort: nil).first
        {
            detail = FindingDetailView(id: id, document: document, back: back)
        }
        let next = FindingsView.nextQuery(request.uri.queryParameters.map { (key: $0.key, value: $0.value) }, token: page.nextToken)
        return FindingsView(filter: filter, query: query, findings: decoded, next: next, detail: detail)
    }
}
