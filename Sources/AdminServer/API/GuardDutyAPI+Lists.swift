import Foundation
import GuardDutyModel
import Hummingbird

extension GuardDutyAPI {
    /// CreateIPSet … ListTrustedEntitySets: the four list families share their paths' shape and their semantics.
    func addListRoutes(to group: RouterGroup<AuthenticatedContext>, store: any ListStore) {
        for kind in ListKind.allCases {
            let base = "/detector/:detectorId/\(kind.pathComponent)"
            group.post(RouterPath(base)) { _, context -> Response in
                let caller = context.caller
                let body = try APIBody.decode(CreateListRequest.self, from: context)
                let id = try await store.createList(caller: caller, detectorId: try Self.detectorId(context), kind: kind, request: body)
                return try Self.dynamicJSON([kind.idKey: id])
            }
            group.get(RouterPath(base)) { request, context -> Response in
                let caller = context.caller
                let maxResults = try Validate.maxResults(APIBody.queryValue("maxResults", request))
                let page = try await store.listLists(
                    caller: caller, detectorId: try Self.detectorId(context), kind: kind, maxResults: maxResults,
                    nextToken: APIBody.queryValue("nextToken", request)
                )
                var body: [String: Any] = [kind.listKey: page.items]
                if let token = page.nextToken { body["nextToken"] = token }
                return try Self.dynamicJSON(body)
            }
            group.get(RouterPath("\(base)/:listId")) { _, context -> Response in
                let caller = context.caller
                let response = try await store.getList(
                    caller: caller, detectorId: try Self.detectorId(context), kind: kind, listId: try APIBody.parameter("listId", context)
                )
                return try APIBody.json(response)
            }
            group.post(RouterPath("\(base)/:listId")) { _, context -> Response in
                let caller = context.caller
                let body = try APIBody.decode(UpdateListRequest.self, from: context)
                try await store.updateList(
                    caller: caller, detectorId: try Self.detectorId(context), kind: kind, listId: try APIBody.parameter("listId", context), request: body
                )
                return APIBody.empty()
            }
            group.delete(RouterPath("\(base)/:listId")) { _, context -> Response in
                let caller = context.caller
                try await store.deleteList(caller: caller, detectorId: try Self.detectorId(context), kind: kind, listId: try APIBody.parameter("listId", context))
                return APIBody.empty()
            }
        }
    }

    /// JSON for responses whose member names depend on the list family.
    static func dynamicJSON(_ object: [String: Any]) throws -> Response {
        APIBody.json(bytes: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])))
    }
}
