import GuardDutyModel

/// The agent's channel to the administrator server: ListDetectors and the `/agent/v1` endpoints, as the runtime
/// uses them. `GuardpostClient` is the real one; a test puts a fake in its place.
///
/// Failures are `AgentError`s: a retryable one (`isRetryable`: server down, overloaded, throttled) is tried again
/// later; any other one is a refusal of what was sent.
public protocol AgentChannel: Sendable {
    /// The region the channel signs for: the agent's findings are reported in it.
    var region: String { get }

    /// ListDetectors: the account's detectors in the region.
    func detectorIds() async throws -> [String]

    /// `GET /agent/v1/config`: the configuration's body as received (it is saved as it is), or nil when the version
    /// did not move past `knownVersion` during the long-poll. Without a known version the answer comes at once.
    func fetchConfiguration(detectorId: String, knownVersion: Int?) async throws -> [UInt8]?

    /// `GET /agent/v1/lists/{sha256}`: a list's normalised content (the caller verifies the hash).
    func fetchList(sha256: String) async throws -> [UInt8]

    /// `POST /agent/v1/findings`: one outbox batch, as its file holds it; returns when the server acknowledged it.
    func deliver(findingsBatch body: [UInt8]) async throws

    /// `POST /agent/v1/heartbeat`; returns when the server counted it.
    func send(heartbeat: AgentHeartbeat) async throws
}
