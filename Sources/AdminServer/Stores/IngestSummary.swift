/// What an ingest did: findings stored for the first time, moved forward, or already known at least as far.
public struct IngestSummary: Codable, Sendable, Equatable {
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    /// New findings a suppression rule archived.
    public var suppressed: Int

    public init(created: Int = 0, updated: Int = 0, unchanged: Int = 0, suppressed: Int = 0) {
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.suppressed = suppressed
    }
}
