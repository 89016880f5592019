import Foundation
import GuardDutyModel
import Hummingbird

/// The console's pages but findings: each loads what its view model needs from the stores, as the session's caller.
extension ConsoleRoutes {
    func addPageRoutes(to console: RouterGroup<GuardpostRequestContext>) {
        console.get { request, _ in try await self.page(request, "/console", "Summary", template: "summary", self.summary) }
        console.get("usage") { request, _ in try await self.page(request, "/console/usage", "Usage", template: "usage", self.usage) }
        console.get("settings") { request, _ in try await self.page(request, "/console/settings", "Settings", template: "settings", self.settings) }
        console.get("lists") { request, _ in try await self.page(request, "/console/lists", "Lists", template: "lists", self.listsPage) }
        console.get("features") { request, _ in
            try await self.page(request, "/console/features", "S3 Protection and features", template: "features", self.featuresPage)
        }
        console.get("accounts") { request, _ in
            try await self.page(request, "/console/accounts", "Accounts", template: "accounts", self.accountsPage)
        }
    }

    /// Current (unarchived) findings' statistics grouped one way.
    func statistics(_ session: ConsoleSession, _ detector: String, groupBy: String) async throws -> [FindingStatisticsGroup] {
        var current = Condition()
        current.eq = ["false"]
        let request = GetFindingsStatisticsRequest(
            groupBy: groupBy, findingCriteria: FindingCriteria(criterion: ["service.archived": current]), maxResults: 100
        )
        let result = try await self.findings.statistics(caller: session.caller, detectorId: detector, request: request)
        return result.groupedByAccount ?? result.groupedByDate ?? result.groupedByFindingType ?? result.groupedByResource
            ?? result.groupedBySeverity ?? []
    }

    func summary(_ session: ConsoleSession, _ detector: String) async throws -> SummaryView {
        SummaryView(
            bySeverity: try await self.statistics(session, detector, groupBy: "SEVERITY"),
            byDate: try await self.statistics(session, detector, groupBy: "DATE"),
            byType: try await self.statistics(session, detector, groupBy: "FINDING_TYPE"),
            byResource: try await self.statistics(session, detector, groupBy: "RESOURCE"),
            byAccount: try await self.statistics(session, detector, groupBy: "ACCOUNT"),
            places: try await self.findings.remotePlaces(caller: session.caller, detectorId: detector)
        )
    }

    func usage(_ session: ConsoleSession, _ detector: String) async throws -> UsageView {
        UsageView(usage: try await self.agents.usage(caller: session.caller, detectorId: detector), prices: self.prices)
    }

    func settings(_ session: ConsoleSession, _ detector: String) async throws -> SettingsView {
        let current = try await self.detectors.getDetector(caller: session.caller, detectorId: detector)
        var rules: [GetFilterResponse] = []
        for name in try await self.findings.listFilters(caller: session.caller, detectorId: detector, maxResults: 50, nextToken: nil).items {
            rules.append(try await self.findings.getFilter(caller: session.caller, detectorId: detector, name: name))
        }
        return try SettingsView(detectorId: detector, detector: current, rules: rules)
    }

    func listsPage(_ session: ConsoleSession, _ detector: String) async throws -> ListsView {
        var rows: [ListsView.Row] = []
        for kind in ListKind.allCases {
            let page = try await self.lists.listLists(caller: session.caller, detectorId: detector, kind: kind, maxResults: 50, nextToken: nil)
            for id in page.items {
                let list = try await self.lists.getList(caller: session.caller, detectorId: detector, kind: kind, listId: id)
                rows.append(ListsView.Row(kind: kind, id: id, list: list))
            }
        }
        return ListsView(rows: rows)
    }

    func featuresPage(_ session: ConsoleSession, _ detector: String) async throws -> FeaturesView {
        FeaturesView(detector: try await self.detectors.getDetector(caller: session.caller, detectorId: detector))
    }

    func accountsPage(_ session: ConsoleSession, _ detector: String) async throws -> AccountsView {
        let members = try await self.members.listMembers(
            caller: session.caller, detectorId: detector, onlyAssociated: false, maxResults: 50, nextToken: nil
        ).items
        let coverage = try await self.agents.coverage(caller: session.caller, detectorId: detector)
        let invitations = try await self.members.listInvitations(caller: session.caller, maxResults: 50, nextToken: nil).items
        return AccountsView(members: members, coverage: coverage, invitations: invitations)
    }
}
