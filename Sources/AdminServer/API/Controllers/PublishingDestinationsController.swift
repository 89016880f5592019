import GuardDutyModel
import Hummingbird

/// Create/Describe/Update/Delete/ListPublishingDestination(s): S3 export of findings.
struct PublishingDestinationsController: APIController {
    let store: any PublishingDestinationStore

    /// UpdatePublishingDestination's body.
    struct UpdateBody: Decodable {
        var destinationProperties: DestinationProperties?
    }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        let base = "/detector/:detectorId/publishingDestination"
        group.post(RouterPath(base), use: self.createPublishingDestination)
        group.get(RouterPath(base), use: self.listPublishingDestinations)
        group.get(RouterPath("\(base)/:destinationId"), use: self.describePublishingDestination)
        group.post(RouterPath("\(base)/:destinationId"), use: self.updatePublishingDestination)
        group.delete(RouterPath("\(base)/:destinationId"), use: self.deletePublishingDestination)
    }

    @Sendable func createPublishingDestination(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(CreatePublishingDestinationRequest.self, from: context)
        let id = try await self.store.create(caller: context.caller, detectorId: try context.detectorId(), request: body)
        return try APIBody.json(NamedFields(fields: ["destinationId": id]))
    }

    @Sendable func listPublishingDestinations(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try PageQuery(request)
        let page = try await self.store.list(
            caller: context.caller, detectorId: try context.detectorId(), maxResults: query.maxResults, nextToken: query.nextToken
        )
        return try APIBody.json(NamedPage(key: "destinations", page: page))
    }

    @Sendable func describePublishingDestination(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try APIBody.json(
            try await self.store.describe(
                caller: context.caller, detectorId: try context.detectorId(), destinationId: try context.parameter("destinationId"))
        )
    }

    @Sendable func updatePublishingDestination(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(UpdateBody.self, from: context)
        try await self.store.update(
            caller: context.caller, detectorId: try context.detectorId(), destinationId: try context.parameter("destinationId"),
            properties: body.destinationProperties
        )
        return APIBody.empty()
    }

    @Sendable func deletePublishingDestination(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.store.delete(
            caller: context.caller, detectorId: try context.detectorId(), destinationId: try context.parameter("destinationId"))
        return APIBody.empty()
    }
}
