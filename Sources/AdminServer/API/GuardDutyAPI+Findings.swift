import Foundation
import GuardDutyModel
import Hummingbird

/// ListFindings, GetFindings, GetFindingsStatistics, Archive/UnarchiveFindings, UpdateFindingsFeedback,
/// CreateSampleFindings and the five filter operations.
public struct FindingsAPI: Sendable {
    let store: any FindingStore

    public init(store: any FindingStore) {
        self.store = store
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/findings") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(ListFindingsRequest.self, from: context)
            return try APIBody.json(try await self.store.listFindings(caller: caller, detectorId: try GuardDutyAPI.detectorId(context), request: body))
        }
        group.post("/detector/:detectorId/findings/get") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(GetFindingsRequest.self, from: context)
            let documents = try await self.store.getFindings(
                caller: caller, detectorId: try GuardDutyAPI.detectorId(context), ids: try Validate.findingIds(body.findingIds), sort: body.sortCriteria
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
        group.post("/detector/:detectorId/findings/statistics") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(GetFindingsStatisticsRequest.self, from: context)
            let statistics = try await self.store.statistics(caller: caller, detectorId: try GuardDutyAPI.detectorId(context), request: body)
            return try APIBody.json(GetFindingsStatisticsResponse(findingStatistics: statistics))
        }
        for (path, archived) in [("archive", true), ("unarchive", false)] {
            group.post(RouterPath("/detector/:detectorId/findings/\(path)")) { _, context -> Response in
                let caller = context.caller
                let body = try APIBody.decode(FindingIdsRequest.self, from: context)
                try await self.store.setArchived(
                    caller: caller, detectorId: try GuardDutyAPI.detectorId(context), ids: try Validate.findingIds(body.findingIds), archived: archived
                )
                return APIBody.empty()
            }
        }
        group.post("/detector/:detectorId/findings/feedback") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(UpdateFindingsFeedbackRequest.self, from: context)
            guard let feedback = body.feedback else {
                throw GuardDutyError.badRequest("The request is rejected because feedback is missing: use USEFUL or NOT_USEFUL.")
            }
            if let comments = body.comments, comments.count > 4096 {
                throw GuardDutyError.badRequest("The request is rejected because comments are longer than 4,096 characters.")
            }
            try await self.store.setFeedback(
                caller: caller, detectorId: try GuardDutyAPI.detectorId(context), ids: try Validate.findingIds(body.findingIds), feedback: feedback
            )
            return APIBody.empty()
        }
        group.post("/detector/:detectorId/findings/create") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(CreateSampleFindingsRequest.self, from: context)
            try await self.store.createSampleFindings(caller: caller, detectorId: try GuardDutyAPI.detectorId(context), types: body.findingTypes)
            return APIBody.empty()
        }
        self.addFilterRoutes(to: group)
    }

    func addFilterRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/filter") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(FilterRequest.self, from: context)
            let name = try await self.store.createFilter(caller: caller, detectorId: try GuardDutyAPI.detectorId(context), request: body)
            return try APIBody.json(["name": name])
        }
        group.get("/detector/:detectorId/filter") { request, context -> Response in
            let caller = context.caller
            let maxResults = try Validate.maxResults(APIBody.queryValue("maxResults", request))
            let page = try await self.store.listFilters(
                caller: caller, detectorId: try GuardDutyAPI.detectorId(context), maxResults: maxResults, nextToken: APIBody.queryValue("nextToken", request)
            )
            return try APIBody.json(NamedPage(key: "filterNames", page: page))
        }
        group.get("/detector/:detectorId/filter/:filterName") { _, context -> Response in
            let caller = context.caller
            let response = try await self.store.getFilter(
                caller: caller, detectorId: try GuardDutyAPI.detectorId(context), name: try APIBody.parameter("filterName", context)
            )
            return try APIBody.json(response)
        }
        group.post("/detector/:detectorId/filter/:filterName") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(FilterRequest.self, from: context)
            let name = try await self.store.updateFilter(
                caller: caller, detectorId: try GuardDutyAPI.detectorId(context), name: try APIBody.parameter("filterName", context), request: body
            )
            return try APIBody.json(["name": name])
        }
        group.delete("/detector/:detectorId/filter/:filterName") { _, context -> Response in
            let caller = context.caller
            try await self.store.deleteFilter(caller: caller, detectorId: try GuardDutyAPI.detectorId(context), name: try APIBody.parameter("filterName", context))
            return APIBody.empty()
        }
    }
}
