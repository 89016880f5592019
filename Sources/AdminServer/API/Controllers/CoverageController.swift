import GuardDutyModel
import Hummingbird

/// ListCoverage and GetCoverageStatistics over the agents' heartbeats: each agent is a covered resource (type EC2,
/// its host as the instance, its version as the agent version), HEALTHY when heard from within 60 seconds. What a
/// criterion means is `CoverageQuery`'s (GuardDutyModel); this pages the result.
struct CoverageController: APIController {
    let store: any AgentChannelStore

    /// ListCoverage's output.
    struct ListCoverageResponse: Encodable {
        var resources: [CoverageResource]
        var nextToken: String?
    }

    /// GetCoverageStatistics' output.
    struct CoverageStatisticsResponse: Encodable {
        var coverageStatistics: [String: [String: Int]]
    }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/coverage", use: self.listCoverage)
        group.post("/detector/:detectorId/coverage/statistics", use: self.getCoverageStatistics)
    }

    @Sendable func listCoverage(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(CoverageRequest.self, from: context)
        let maxResults = try CoverageQuery.pageSize(body.maxResults)
        let covered = try await self.store.coverage(caller: context.caller, detectorId: try context.detectorId())
        var resources = try CoverageQuery.filter(covered, body.filterCriteria)
        try CoverageQuery.sort(&resources, body.sortCriteria)
        let offset =
            try PageToken.decode(body.nextToken).map { token -> Int in
                guard let value = Int(token), value >= 0 else {
                    throw GuardDutyError.badRequest("The request is rejected because the nextToken is not valid.")
                }
                return value
            } ?? 0
        let page = Array(resources.dropFirst(offset).prefix(maxResults))
        let next = offset + page.count < resources.count ? PageToken.encode(String(offset + page.count)) : nil
        return try APIBody.json(ListCoverageResponse(resources: page, nextToken: next))
    }

    @Sendable func getCoverageStatistics(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(CoverageRequest.self, from: context)
        let types = try CoverageQuery.statisticsTypes(body.statisticsType)
        let covered = try await self.store.coverage(caller: context.caller, detectorId: try context.detectorId())
        let resources = try CoverageQuery.filter(covered, body.filterCriteria)
        return try APIBody.json(CoverageStatisticsResponse(coverageStatistics: CoverageQuery.statistics(resources, types: types)))
    }
}
