import GuardDutyModel
import Hummingbird

/// CreateFilter, GetFilter, UpdateFilter, DeleteFilter and ListFilters: the account's suppression rules and saved filters.
struct FiltersController: APIController {
    let store: any FindingStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/filter", use: self.createFilter)
        group.get("/detector/:detectorId/filter", use: self.listFilters)
        group.get("/detector/:detectorId/filter/:filterName", use: self.getFilter)
        group.post("/detector/:detectorId/filter/:filterName", use: self.updateFilter)
        group.delete("/detector/:detectorId/filter/:filterName", use: self.deleteFilter)
    }

    @Sendable func createFilter(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(FilterRequest.self, from: context)
        let name = try await self.store.createFilter(caller: context.caller, detectorId: try context.detectorId(), request: body)
        return try APIBody.json(NamedFields(fields: ["name": name]))
    }

    @Sendable func listFilters(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try PageQuery(request)
        let page = try await self.store.listFilters(
            caller: context.caller, detectorId: try context.detectorId(), maxResults: query.maxResults, nextToken: query.nextToken
        )
        return try APIBody.json(NamedPage(key: "filterNames", page: page))
    }

    @Sendable func getFilter(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let response = try await self.store.getFilter(
            caller: context.caller, detectorId: try context.detectorId(), name: try context.parameter("filterName"))
        return try APIBody.json(response)
    }

    @Sendable func updateFilter(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(FilterRequest.self, from: context)
        let name = try await self.store.updateFilter(
            caller: context.caller, detectorId: try context.detectorId(), name: try context.parameter("filterName"), request: body
        )
        return try APIBody.json(NamedFields(fields: ["name": name]))
    }

    @Sendable func deleteFilter(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.store.deleteFilter(caller: context.caller, detectorId: try context.detectorId(), name: try context.parameter("filterName"))
        return APIBody.empty()
    }
}
