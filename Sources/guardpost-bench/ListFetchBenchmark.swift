import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// `guardpost-bench list-fetch`: every agent fetches the lists in force at once, as after a list refresh. The
/// script beside it samples the server's memory meanwhile; this reports the time and the bytes served.
struct ListFetchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-fetch", abstract: "N agents (spread over the members) fetch their lists in force at once; report time and bytes.")

    @Option var endpoint: String
    @Option(name: .customLong("member-keys")) var memberKeys: String
    @Option var agents: Int = 10_000
    @Option(help: "Fetches in flight at once (each holds a whole list in this process).") var concurrency: Int = 1000
    @Option var region: String = "us-east-1"

    func run() async throws {
        let http = benchHTTPClient()
        defer { Task { try? await http.shutdown() } }
        var members: [(GuardpostClient, [String])] = []
        for keys in try AccountKeys.load(self.memberKeys) {
            let client = try keys.client(self.endpoint, region: self.region, http: http)
            guard let detector = try await client.json("GET", "/detector", as: Detectors.self).detectorIds.first else { continue }
            let config = try await client.json("GET", "/agent/v1/config", query: "detectorId=\(detector)", as: AgentConfig.self)
            members.append((client, config.lists.map(\.sha256)))
        }
        guard let first = members.first, !first.1.isEmpty else { throw ValidationError("no member has a list in force") }
        let clients = members
        let next = Counter()
        let agents = self.agents
        let start = ContinuousClock.now
        let (bytes, failures) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<min(self.concurrency, self.agents) {
                group.addTask {
                    var bytes = 0
                    var failures = 0
                    while let index = next.take(below: agents) {
                        let (client, hashes) = clients[index % clients.count]
                        for sha in hashes {
                            let response = try? await client.send("GET", "/agent/v1/lists/\(sha)", timeout: .seconds(300))
                            if response?.status == 200 { bytes += response?.body.count ?? 0 } else { failures += 1 }
                        }
                    }
                    return (bytes, failures)
                }
            }
            return try await group.reduce(into: (0, 0)) { $0 = ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let elapsed = StartMark.seconds(start, ContinuousClock.now)
        print(
            String(
                format: "list-fetch: %d agents fetched %d lists each (%.1f MB each) in %.1f s: %.0f MB served, %d failed",
                self.agents, first.1.count, Double(bytes) / Double(max(1, self.agents)) / 1e6, elapsed, Double(bytes) / 1e6, failures))
    }
}
