/// Who the writes of the current task are made for, so that a replica knows whose reads must wait for them
/// (read-your-writes with `--read-database-url`). Set per request by `ReadYourWritesMiddleware`.
public enum WriterScope: Sendable, Equatable {
    /// Writes outside a known caller (background services, operator commands): every account's reads wait for them.
    case unknown
    /// Writes made for this account: its own reads through this replica wait for them.
    case account(String)
    /// Writes no reader needs to see at once (the agent channel: ingest, heartbeats), so the standby keeps serving.
    case untracked

    /// The scope of the running task (`unknown` outside a request).
    @TaskLocal public static var current: WriterScope = .unknown
}
