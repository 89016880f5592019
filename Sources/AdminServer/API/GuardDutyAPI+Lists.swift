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
                return try APIBody.json(NamedFields(fields: [kind.idKey: id]))
            }
            group.get(RouterPath(base)) { request, context -> Response in
                let caller = context.caller
                let maxResults = try Validate.maxResults(APIBody.queryValue("maxResults", request))
                let page = try await store.listLists(
                    caller: caller, detectorId: try Self.detectorId(context), kind: kind, maxResults: maxResults,
                    nextToken: APIBody.queryValue("nextToken", request)
                )
                return try APIBody.json(NamedPage(key: kind.listKey, page: page))
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

}

/// A page of a List… operation whose member name depends on the operation (`ipSetIds`, `filterNames`,
/// `destinations`…), with `nextToken` when there is more.
struct NamedPage<Item: Encodable & Sendable>: Encodable {
    let key: String
    let page: Page<Item>

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(self.page.items, forKey: Key(stringValue: self.key))
        try container.encodeIfPresent(self.page.nextToken, forKey: Key(stringValue: "nextToken"))
    }
}

/// An answer of string members whose names depend on the operation (`{"ipSetId": …}`).
struct NamedFields: Encodable {
    let fields: [String: String]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NamedPage<String>.Key.self)
        for (name, value) in self.fields.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: NamedPage<String>.Key(stringValue: name))
        }
    }
}
