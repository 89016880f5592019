import Foundation
import GuardDutyModel
import SigV4

@testable import MemberAgent

/// An administrator server in memory, in place of `GuardpostClient`: one detector, a configuration the test changes,
/// lists by hash, and the batches and heartbeats it received. It can be down (every call fails as a refused connection
/// does) or refuse findings batches as invalid (a 400, as the server answers a batch it cannot take).
actor FakeChannel: AgentChannel {
    nonisolated let region = "us-east-1"
    nonisolated let detectorId = FakeChannel.detector
    static let detector = "0123456789abcdef0123456789abcdef"
    private(set) var config: AgentConfig
    private var lists: [String: [UInt8]] = [:]
    var isDown = false
    var refusesFindings = false
    /// Batches acknowledged, in order.
    private(set) var batches: [AgentFindingBatch] = []
    private(set) var heartbeats: [AgentHeartbeat] = []

    init() {
        self.config = AgentConfig(
            detectorId: Self.detector, accountId: "111122223333", region: "us-east-1", version: 1, status: "ENABLED",
            findingPublishingFrequency: "SIX_HOURS", features: ["S3_DATA_EVENTS": "DISABLED"], administratorId: nil, lists: []
        )
    }

    /// Every finding delivered, in order (a finding delivered as new and later as an update appears twice).
    var findings: [Finding] { self.batches.flatMap(\.findings) }

    func setDown(_ down: Bool) { self.isDown = down }
    func setRefusesFindings(_ refuses: Bool) { self.refusesFindings = refuses }

    /// A new configuration version with a feature (`S3_DATA_EVENTS`, …) set to `status`.
    func setFeature(_ name: String, _ status: String) {
        self.config.features[name] = status
        self.config.version += 1
    }

    /// A new configuration version with a threat list of these domains (THREAT_ENTITY_SET) in force.
    func addThreatList(name: String, entries: [String]) {
        let content = Array((entries.joined(separator: "\n") + "\n").utf8)
        let sha256 = SigV4Encoding.sha256Hex(content)
        self.lists[sha256] = content
        self.config.lists.append(
            AgentConfig.ListDescriptor(
                id: "list\(self.config.lists.count)", kind: "THREAT_ENTITY_SET", name: name, format: "TXT", sha256: sha256,
                entryCount: entries.count, trusted: false
            )
        )
        self.config.version += 1
    }

    private func failIfDown(_ what: String) throws {
        if self.isDown { throw AgentError.transport("\(what): connection refused") }
    }

    func detectorIds() async throws -> [String] {
        try self.failIfDown("GET /detector")
        return [self.detectorId]
    }

    /// A long-poll, shortened: answers when the version moves past `knownVersion`, else nil after about a second.
    func fetchConfiguration(detectorId: String, knownVersion: Int?) async throws -> [UInt8]? {
        let deadline = ContinuousClock.now + .seconds(1)
        while true {
            try self.failIfDown("GET /agent/v1/config")
            if knownVersion.map({ self.config.version > $0 }) ?? true { return Array(try JSONEncoder().encode(self.config)) }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func fetchList(sha256: String) async throws -> [UInt8] {
        try self.failIfDown("GET /agent/v1/lists")
        guard let content = self.lists[sha256] else { throw AgentError.api(status: 404, type: "NotFoundException", message: "no list \(sha256)") }
        return content
    }

    func deliver(findingsBatch body: [UInt8]) async throws {
        try self.failIfDown("POST /agent/v1/findings")
        if self.refusesFindings { throw AgentError.api(status: 400, type: "BadRequestException", message: "the batch is not valid") }
        self.batches.append(try JSONDecoder().decode(AgentFindingBatch.self, from: Data(body)))
    }

    func send(heartbeat: AgentHeartbeat) async throws {
        try self.failIfDown("POST /agent/v1/heartbeat")
        self.heartbeats.append(heartbeat)
    }
}
