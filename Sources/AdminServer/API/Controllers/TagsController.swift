import GuardDutyModel
import Hummingbird

/// TagResource (204), UntagResource (204) and ListTagsForResource, on detector ARNs.
struct TagsController: APIController {
    let detectors: any DetectorStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/tags/:resourceArn", use: self.tagResource)
        group.delete("/tags/:resourceArn", use: self.untagResource)
        group.get("/tags/:resourceArn", use: self.listTagsForResource)
    }

    @Sendable func tagResource(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(TagResourceRequest.self, from: context)
        try await self.detectors.tagResource(caller: context.caller, resourceArn: try context.parameter("resourceArn"), tags: body.tags)
        return APIBody.noContent()
    }

    @Sendable func untagResource(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.detectors.untagResource(
            caller: context.caller, resourceArn: try context.parameter("resourceArn"), tagKeys: request.queryValues("tagKeys")
        )
        return APIBody.noContent()
    }

    @Sendable func listTagsForResource(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let tags = try await self.detectors.tags(caller: context.caller, resourceArn: try context.parameter("resourceArn"))
        return try APIBody.json(ListTagsForResourceResponse(tags: tags))
    }
}
