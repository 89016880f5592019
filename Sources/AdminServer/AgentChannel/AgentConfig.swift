import GuardDutyModel

/// What an agent runs with: the detector's effective settings (its administrator's, for an associated member)
/// and the descriptors of the lists in force, at a config version that only moves forward.
public struct AgentConfig: Codable, Sendable, Equatable {
    public var detectorId: String
    public var accountId: String
    public var region: String
    public var version: Int
    public var status: String
    public var findingPublishingFrequency: String
    public var features: [String: String]
    /// The administrator whose settings and lists are in force, if the account is an associated member.
    public var administratorId: String?
    public var lists: [ListDescriptor]

    /// A list in force: fetch its normalised content from `/agent/v1/lists/{sha256}`.
    public struct ListDescriptor: Codable, Sendable, Equatable {
        public var id: String
        public var kind: String
        public var name: String
        public var format: String
        public var sha256: String
        public var entryCount: Int
        public var trusted: Bool
    }
}

/// The agent channel's view of the database.
public protocol AgentChannelStore: Sendable {
    func agentConfig(caller: Caller, detectorId: String) async throws -> AgentConfig
    /// Normalised list content, if a list with that content is in force for the caller.
    func listContentInForce(caller: Caller, sha256: String) async throws -> String?
}
