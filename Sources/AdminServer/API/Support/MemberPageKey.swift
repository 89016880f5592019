/// What a ListMembers request asked for, as the key of its cached page: the detector and the page parameters.
struct MemberPageKey: Hashable, Sendable {
    var detectorId: String
    var onlyAssociated: Bool
    var maxResults: Int
    var nextToken: String?
}
