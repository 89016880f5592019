import GuardDutyModel
import Hummingbird

/// One list family's operations (CreateIPSet … ListTrustedEntitySets): the four families share their paths' shape
/// and their semantics, so one controller serves each `ListKind` under `/detector/{detectorId}/{kind}`.
struct ListsController: APIController {
    let kind: ListKind
    let store: any ListStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        let base = "/detector/:detectorId/\(self.kind.pathComponent)"
        group.post(RouterPath(base), use: self.createList)
        group.get(RouterPath(base), use: self.listLists)
        group.get(RouterPath("\(base)/:listId"), use: self.getList)
        group.post(RouterPath("\(base)/:listId"), use: self.updateList)
        group.delete(RouterPath("\(base)/:listId"), use: self.deleteList)
    }

    @Sendable func createList(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(CreateListRequest.self, from: context)
        let id = try await self.store.createList(caller: context.caller, detectorId: try context.detectorId(), kind: self.kind, request: body)
        return try APIBody.json(NamedFields(fields: [self.kind.idKey: id]))
    }

    @Sendable func listLists(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try PageQuery(request)
        let page = try await self.store.listLists(
            caller: context.caller, detectorId: try context.detectorId(), kind: self.kind, maxResults: query.maxResults, nextToken: query.nextToken
        )
        return try APIBody.json(NamedPage(key: self.kind.listKey, page: page))
    }

    @Sendable func getList(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let response = try await self.store.getList(
            caller: context.caller, detectorId: try context.detectorId(), kind: self.kind, listId: try context.parameter("listId")
        )
        return try APIBody.json(response)
    }

    @Sendable func updateList(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(UpdateListRequest.self, from: context)
        try await self.store.updateList(
            caller: context.caller, detectorId: try context.detectorId(), kind: self.kind, listId: try context.parameter("listId"), request: body
        )
        return APIBody.empty()
    }

    @Sendable func deleteList(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.store.deleteList(
            caller: context.caller, detectorId: try context.detectorId(), kind: self.kind, listId: try context.parameter("listId"))
        return APIBody.empty()
    }
}
