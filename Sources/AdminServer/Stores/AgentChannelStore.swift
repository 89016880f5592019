import GuardDutyModel

/// The agent channel's view of the database.
public protocol AgentChannelStore: Sendable {
    func agentConfig(caller: Caller, detectorId: String) async throws -> AgentConfig
    /// Whether a list with that content is in force for the caller (its own or its administrator's, or a managed feed).
    func listInForce(caller: Caller, sha256: String) async throws -> Bool
    /// Normalised list content by its SHA-256, nil when none is stored. Content is immutable: the caller checks
    /// `listInForce` first, and may keep what this returns.
    func listContent(sha256: String) async throws -> String?
    /// Records an agent's heartbeat (the agent row, and its usage per data source and day).
    func heartbeat(caller: Caller, heartbeat: AgentHeartbeat) async throws
    /// The agents of the caller and of its Enabled members in the region, healthy when heard from within 60 s.
    func coverage(caller: Caller, detectorId: String) async throws -> [CoverageResource]
    /// Usage of the last 30 days (UTC days) of the caller and its Enabled members, per account, data source and day.
    func usage(caller: Caller, detectorId: String) async throws -> [UsageRow]
}
