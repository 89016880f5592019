import Foundation
import GuardDutyModel

/// The real channel: signed HTTP requests to the administrator server.
extension GuardpostClient: AgentChannel {
    /// ListDetectors' answer.
    struct DetectorIds: Decodable { var detectorIds: [String] }

    public func detectorIds() async throws -> [String] {
        try await self.json("GET", "/detector", as: DetectorIds.self).detectorIds
    }

    public func fetchConfiguration(detectorId: String, knownVersion: Int?) async throws -> [UInt8]? {
        let query = "detectorId=\(detectorId)" + (knownVersion.map { "&version=\($0)&wait=30" } ?? "")
        let response = try await self.send("GET", "/agent/v1/config", query: query, timeout: .seconds(50))
        return response.status == 200 ? response.body : nil
    }

    public func fetchList(sha256: String) async throws -> [UInt8] {
        try await self.send("GET", "/agent/v1/lists/\(sha256)", timeout: .seconds(120)).body
    }

    public func deliver(findingsBatch body: [UInt8]) async throws {
        _ = try await self.send("POST", "/agent/v1/findings", body: body, timeout: .seconds(60))
    }

    public func send(heartbeat: AgentHeartbeat) async throws {
        _ = try await self.send("POST", "/agent/v1/heartbeat", body: Array(try JSONEncoder().encode(heartbeat)), timeout: .seconds(20))
    }
}
