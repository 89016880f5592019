import GuardDutyModel
import Hummingbird
import NIOCore

/// ListFindings, GetFindings, GetFindingsStatistics, Archive/UnarchiveFindings, UpdateFindingsFeedback and
/// CreateSampleFindings.
struct FindingsController: APIController {
    let store: any FindingStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/findings", use: self.listFindings)
        group.post("/detector/:detectorId/findings/get", use: self.getFindings)
        group.post("/detector/:detectorId/findings/statistics", use: self.getFindingsStatistics)
        group.post("/detector/:detectorId/findings/archive", use: self.archiveFindings)
        group.post("/detector/:detectorId/findings/unarchive", use: self.unarchiveFindings)
        group.post("/detector/:detectorId/findings/feedback", use: self.updateFindingsFeedback)
        group.post("/detector/:detectorId/findings/create", use: self.createSampleFindings)
    }

    @Sendable func listFindings(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(ListFindingsRequest.self, from: context)
        return try APIBody.json(try await self.store.listFindings(caller: context.caller, detectorId: try context.detectorId(), request: body))
    }

    @Sendable func getFindings(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(GetFindingsRequest.self, from: context)
        let documents = try await self.store.getFindings(
            caller: context.caller, detectorId: try context.detectorId(), ids: try Validate.findingIds(body.findingIds), sort: body.sortCriteria
        )
        // The documents are JSON already: splice them rather than decode and re-encode.
        var buffer = ByteBuffer(string: #"{"findings":["#)
        for (index, document) in documents.enumerated() {
            if index > 0 { buffer.writeString(",") }
            buffer.writeString(document)
        }
        buffer.writeString("]}")
        return APIBody.json(bytes: buffer)
    }

    @Sendable func getFindingsStatistics(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(GetFindingsStatisticsRequest.self, from: context)
        let statistics = try await self.store.statistics(caller: context.caller, detectorId: try context.detectorId(), request: body)
        return try APIBody.json(GetFindingsStatisticsResponse(findingStatistics: statistics))
    }

    @Sendable func archiveFindings(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.setArchived(true, context)
    }

    @Sendable func unarchiveFindings(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.setArchived(false, context)
    }

    @Sendable func updateFindingsFeedback(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(UpdateFindingsFeedbackRequest.self, from: context)
        let feedback = try FindingLimits.feedbackRequest(feedback: body.feedback, comments: body.comments)
        try await self.store.setFeedback(
            caller: context.caller, detectorId: try context.detectorId(), ids: try Validate.findingIds(body.findingIds), feedback: feedback
        )
        return APIBody.empty()
    }

    @Sendable func createSampleFindings(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(CreateSampleFindingsRequest.self, from: context)
        try await self.store.createSampleFindings(caller: context.caller, detectorId: try context.detectorId(), types: body.findingTypes)
        return APIBody.empty()
    }

    private func setArchived(_ archived: Bool, _ context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(FindingIdsRequest.self, from: context)
        try await self.store.setArchived(
            caller: context.caller, detectorId: try context.detectorId(), ids: try Validate.findingIds(body.findingIds), archived: archived
        )
        return APIBody.empty()
    }
}
