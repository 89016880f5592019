import GuardDutyModel
import Hummingbird

/// CreateDetector, GetDetector, UpdateDetector, DeleteDetector, ListDetectors.
struct DetectorsController: APIController {
    let detectors: any DetectorStore
    /// GetDetector's answers, kept until a change to any detector's settings is announced.
    let responses: ResponseCache<String, ByteBuffer>

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector", use: self.createDetector)
        group.get("/detector", use: self.listDetectors)
        group.get("/detector/:detectorId", use: self.getDetector)
        group.post("/detector/:detectorId", use: self.updateDetector)
        group.delete("/detector/:detectorId", use: self.deleteDetector)
    }

    @Sendable func createDetector(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(CreateDetectorRequest.self, from: context)
        let id = try await self.detectors.createDetector(caller: context.caller, request: body)
        return try APIBody.json(CreateDetectorResponse(detectorId: id))
    }

    @Sendable func listDetectors(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try PageQuery(request)
        let page = try await self.detectors.listDetectors(caller: context.caller, maxResults: query.maxResults, nextToken: query.nextToken)
        return try APIBody.json(ListDetectorsResponse(detectorIds: page.items, nextToken: page.nextToken))
    }

    @Sendable func getDetector(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let detectorId = try context.detectorId()
        let (caller, detectors) = (context.caller, self.detectors)
        let body = try await self.responses.body(detectorId, caller: caller) {
            try APIBody.encode(try await detectors.getDetector(caller: caller, detectorId: detectorId))
        }
        return APIBody.json(bytes: body)
    }

    @Sendable func updateDetector(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(UpdateDetectorRequest.self, from: context)
        try await self.detectors.updateDetector(caller: context.caller, detectorId: try context.detectorId(), request: body)
        return APIBody.empty()
    }

    @Sendable func deleteDetector(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.detectors.deleteDetector(caller: context.caller, detectorId: try context.detectorId())
        return APIBody.empty()
    }
}
