import GuardDutyModel
import Hummingbird

/// GetUsageStatistics over what agents report in their heartbeats: what the records and bytes analysed per account and
/// data source over the last 30 days would have cost on GuardDuty (USD, under `prices`), or the volumes themselves.
/// The semantics are `UsageStatistics`' (GuardDutyModel).
struct UsageController: APIController {
    let store: any AgentChannelStore
    let prices: PriceTable

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/usage/statistics", use: self.getUsageStatistics)
    }

    @Sendable func getUsageStatistics(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(UsageStatisticsRequest.self, from: context)
        let query = try UsageStatistics.validate(body)
        let rows = try await self.store.usage(caller: context.caller, detectorId: try context.detectorId())
        return try APIBody.json(UsageStatistics.answer(query, rows: rows, table: self.prices))
    }
}
