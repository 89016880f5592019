import GuardDutyModel

/// The agent channel's view of the database.
public protocol AgentChannelStore: Sendable {
    func agentConfig(caller: Caller, detectorId: String) async throws -> AgentConfig
    /// Normalised list content, if a list with that content is in force for the caller.
    func listContentInForce(caller: Caller, sha256: String) async throws -> String?
    /// Records an agent's heartbeat (the agent row, and its usage per data source and day).
    func heartbeat(caller: Caller, heartbeat: AgentHeartbeat) async throws
    /// The agents of the caller and of its Enabled members in the region, healthy when heard from within 60 s.
    func coverage(caller: Caller, detectorId: String) async throws -> [CoverageResource]
    /// Usage of the last 30 days (UTC days) of the caller and its Enabled members, per account, data source and day.
    func usage(caller: Caller, detectorId: String) async throws -> [UsageRow]
}
