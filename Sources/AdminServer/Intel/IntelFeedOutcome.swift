/// What a fetch of a feed came to.
public enum IntelFeedOutcome: Sendable {
    /// 304: the content in force is current.
    case notModified
    /// A new version, accepted: normalised content, its hash and counts, and the validators to send next time.
    case content(body: String, sha256: String, entryCount: Int, malformedCount: Int, ignoredCount: Int, etag: String?, lastModified: String?)
    /// Nothing changes; why (fetch failure, parse failure, shrink…).
    case kept(String)
}
