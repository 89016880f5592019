import ThreatLists

/// A feed due for a fetch, leased to one worker: what a conditional GET needs and what the new version is judged
/// against.
public struct IntelFeedJob: Sendable {
    public var name: String
    public var kind: FeedKind
    public var format: FeedFormat
    public var url: String
    public var etag: String?
    public var lastModified: String?
    public var previousSHA256: String?
    public var previousCount: Int?
}
