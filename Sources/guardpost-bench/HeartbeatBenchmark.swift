import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// `guardpost-bench heartbeats`: how many agent heartbeats one server process takes per second.
struct HeartbeatBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeats", abstract: "Heartbeats of N agents as fast as they go; report heartbeats/s.")

    @Option var endpoint: String
    @Option(name: .customLong("member-keys")) var memberKeys: String
    @Option var agents: Int = 10_000
    @Option var duration: Double = 10
    @Option var concurrency: Int = 32
    @Option var region: String = "us-east-1"

    func run() async throws {
        let http = benchHTTPClient()
        defer { Task { try? await http.shutdown() } }
        var members: [(GuardpostClient, String)] = []
        for keys in try AccountKeys.load(self.memberKeys) {
            let client = try keys.client(self.endpoint, region: self.region, http: http)
            guard let detector = try await client.json("GET", "/detector", as: Detectors.self).detectorIds.first else { continue }
            members.append((client, detector))
        }
        guard !members.isEmpty else { throw ValidationError("no member with a detector") }
        let bodies: [(Int, [UInt8])] = try (0..<self.agents).map { index in
            let member = index % members.count
            let heartbeat = AgentHeartbeat(
                agentId: String(format: "agent-bench%08d", index), detectorId: members[member].1, hostname: "host-\(index)", version: "0.4.0",
                configVersion: 1,
                sources: [
                    .init(
                        dataSource: "FLOW_LOGS", path: "/var/log/flow", records: index, errors: 0, lagSeconds: 2, recordsSinceLast: 100,
                        bytesSinceLast: 20_000)
                ]
            )
            return (member, Array(try JSONEncoder().encode(heartbeat)))
        }
        let next = Counter()
        let clients = members
        let deadline = ContinuousClock.now + .milliseconds(Int(self.duration * 1000))
        let start = ContinuousClock.now
        let sent = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<self.concurrency {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline, let index = next.take(below: Int.max) {
                        let (member, body) = bodies[index % bodies.count]
                        _ = try await clients[member].0.send("POST", "/agent/v1/heartbeat", body: body)
                        count += 1
                    }
                    return count
                }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        let elapsed = StartMark.seconds(start, ContinuousClock.now)
        let rate = Double(sent) / elapsed
        print(
            String(
                format: "heartbeats: %d in %.1f s over %d connections = %.0f/s; %d agents every 30 s need %.0f/s (%.1fx headroom)",
                sent, elapsed, self.concurrency, rate, self.agents, Double(self.agents) / 30, rate / (Double(self.agents) / 30)))
    }
}
