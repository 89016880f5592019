import GuardDutyModel
import Hummingbird

extension GuardDutyAPI {
    /// CreateDetector, GetDetector, UpdateDetector, DeleteDetector, ListDetectors.
    func addDetectorRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(CreateDetectorRequest.self, from: context)
            let id = try await self.detectors.createDetector(caller: caller, request: body)
            return try APIBody.json(CreateDetectorResponse(detectorId: id))
        }
        group.get("/detector") { request, context -> Response in
            let caller = context.caller
            let maxResults = try Validate.maxResults(APIBody.queryValue("maxResults", request))
            let page = try await self.detectors.listDetectors(caller: caller, maxResults: maxResults, nextToken: APIBody.queryValue("nextToken", request))
            return try APIBody.json(ListDetectorsResponse(detectorIds: page.items, nextToken: page.nextToken))
        }
        group.get("/detector/:detectorId") { _, context -> Response in
            let caller = context.caller
            let detectorId = try Self.detectorId(context)
            if let cached = try self.detectorResponses.lookup(detectorId, caller: caller) {
                return APIBody.json(bytes: cached)
            }
            let generation = self.detectorResponses.changes.generation
            let body = try APIBody.encode(try await self.detectors.getDetector(caller: caller, detectorId: detectorId))
            self.detectorResponses.store(detectorId, caller: caller, body: body, readAt: generation)
            return APIBody.json(bytes: body)
        }
        group.post("/detector/:detectorId") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(UpdateDetectorRequest.self, from: context)
            try await self.detectors.updateDetector(caller: caller, detectorId: try Self.detectorId(context), request: body)
            return APIBody.empty()
        }
        group.delete("/detector/:detectorId") { _, context -> Response in
            let caller = context.caller
            try await self.detectors.deleteDetector(caller: caller, detectorId: try Self.detectorId(context))
            return APIBody.empty()
        }
    }

    /// TagResource (204), UntagResource (204), ListTagsForResource on detector ARNs.
    func addTagRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/tags/:resourceArn") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(TagResourceRequest.self, from: context)
            try await self.detectors.tagResource(caller: caller, resourceArn: try APIBody.parameter("resourceArn", context), tags: body.tags)
            return APIBody.noContent()
        }
        group.delete("/tags/:resourceArn") { request, context -> Response in
            let caller = context.caller
            try await self.detectors.untagResource(
                caller: caller, resourceArn: try APIBody.parameter("resourceArn", context), tagKeys: APIBody.query("tagKeys", request)
            )
            return APIBody.noContent()
        }
        group.get("/tags/:resourceArn") { _, context -> Response in
            let caller = context.caller
            let tags = try await self.detectors.tags(caller: caller, resourceArn: try APIBody.parameter("resourceArn", context))
            return try APIBody.json(ListTagsForResourceResponse(tags: tags))
        }
    }
}
