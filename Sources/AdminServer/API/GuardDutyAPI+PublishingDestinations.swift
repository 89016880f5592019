import Foundation
import GuardDutyModel
import Hummingbird

/// Create/Describe/Update/Delete/ListPublishingDestination(s): S3 export of findings.
public struct PublishingDestinationsAPI: Sendable {
    let store: PostgresPublishingDestinationStore

    public init(store: PostgresPublishingDestinationStore) {
        self.store = store
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        let base = "/detector/:detectorId/publishingDestination"
        group.post(RouterPath(base)) { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(CreatePublishingDestinationRequest.self, from: context)
            let id = try await self.store.create(caller: caller, detectorId: try GuardDutyAPI.detectorId(context), request: body)
            return try APIBody.json(["destinationId": id])
        }
        group.get(RouterPath(base)) { request, context -> Response in
            let caller = context.caller
            let maxResults = try Validate.maxResults(APIBody.queryValue("maxResults", request))
            let page = try await self.store.list(
                caller: caller, detectorId: try GuardDutyAPI.detectorId(context), maxResults: maxResults, nextToken: APIBody.queryValue("nextToken", request)
            )
            return try APIBody.json(NamedPage(key: "destinations", page: page))
        }
        group.get(RouterPath("\(base)/:destinationId")) { _, context -> Response in
            let caller = context.caller
            return try APIBody.json(try await self.store.describe(
                caller: caller, detectorId: try GuardDutyAPI.detectorId(context), destinationId: try APIBody.parameter("destinationId", context)
            ))
        }
        group.post(RouterPath("\(base)/:destinationId")) { _, context -> Response in
            let caller = context.caller
            struct Update: Decodable { var destinationProperties: DestinationProperties? }
            let body = try APIBody.decode(Update.self, from: context)
            try await self.store.update(
                caller: caller, detectorId: try GuardDutyAPI.detectorId(context), destinationId: try APIBody.parameter("destinationId", context),
                properties: body.destinationProperties
            )
            return APIBody.empty()
        }
        group.delete(RouterPath("\(base)/:destinationId")) { _, context -> Response in
            let caller = context.caller
            try await self.store.delete(caller: caller, detectorId: try GuardDutyAPI.detectorId(context), destinationId: try APIBody.parameter("destinationId", context))
            return APIBody.empty()
        }
    }
}
