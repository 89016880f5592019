import GuardDutyModel
import Hummingbird

/// The paging parameters of a List… operation's query string: `maxResults` (validated, 1…50, default 50) and
/// the opaque `nextToken`.
struct PageQuery {
    var maxResults: Int
    var nextToken: String?

    init(_ request: Request) throws {
        self.maxResults = try Validate.maxResults(request.queryValue("maxResults"))
        self.nextToken = request.queryValue("nextToken")
    }
}
