import GuardDutyModel
import Hummingbird

/// ListMembers' query string: the page, and `onlyAssociated` (`true` when absent).
struct ListMembersQuery {
    var page: PageQuery
    var onlyAssociated: Bool

    init(_ request: Request) throws {
        self.page = try PageQuery(request)
        switch request.queryValue("onlyAssociated")?.lowercased() {
        case nil, "true": self.onlyAssociated = true
        case "false": self.onlyAssociated = false
        case let other?:
            throw GuardDutyError.badRequest("The request is rejected because onlyAssociated '\(other.prefix(32))' is not 'true' or 'false'.")
        }
    }
}
