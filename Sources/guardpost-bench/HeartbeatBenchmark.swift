import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// `guardpost-bench heartbeats`: how many agent heartbeats one server process takes per second (flat out), or the
/// latency of heartbeats sent at a steady rate, as N agents reporting every interval do (`--rate`).
struct HeartbeatBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeats", abstract: "Heartbeats of N agents as fast as they go; report heartbeats/s.")

    @Option var endpoint: String
    @Option(name: .customLong("member-keys")) var memberKeys: String
    @Option var agents: Int = 10_000
    @Option var duration: Double = 10
    @Option var concurrency: Int = 32
    @Option(help: "Heartbeats per second at a steady pace, each timed from when it was due (0: as fast as they go).")
    var rate: Double = 0
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
        if self.rate > 0 { return try await self.paced(bodies: bodies, clients: members) }
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

    /// Sends `rate` heartbeats a second for `duration` seconds, each when it is due, and reports the latency of each
    /// from when it was due (so a server that falls behind shows it as latency, not as a lower rate).
    func paced(bodies: [(Int, [UInt8])], clients: [(GuardpostClient, String)]) async throws {
        let total = Int(self.rate * self.duration)
        let start = ContinuousClock.now + .milliseconds(200)
        let interval = 1.0 / self.rate
        var failures = 0
        // Each answer's latency by the window (one round of every agent) it was due in, so that a slow start (the
        // first round registers every agent) or a stall shows where it happened.
        let window = Double(self.agents) / self.rate
        let timed = try await withThrowingTaskGroup(of: (Int, Double?).self) { group in
            var all: [(Int, Double)] = []
            all.reserveCapacity(total)
            for index in 0..<total {
                let due = start + .nanoseconds(Int64(Double(index) * interval * 1e9))
                try await Task.sleep(until: due, clock: .continuous)
                let (member, body) = bodies[index % bodies.count]
                let round = index / max(1, self.agents)
                group.addTask {
                    let response = try? await clients[member].0.send("POST", "/agent/v1/heartbeat", body: body)
                    guard response?.status == 200 else { return (round, nil) }
                    return (round, StartMark.seconds(due, ContinuousClock.now))
                }
            }
            for try await (round, latency) in group {
                if let latency { all.append((round, latency)) } else { failures += 1 }
            }
            return all
        }
        let elapsed = StartMark.seconds(start, ContinuousClock.now)
        let latencies = timed.map(\.1).sorted()
        for (round, values) in Dictionary(grouping: timed, by: \.0).sorted(by: { $0.key < $1.key }) {
            let sorted = values.map(\.1).sorted()
            print(
                String(
                    format: "  round %d (%.0f-%.0f s%@): %d answered, p50 %.1f ms, p99 %.1f ms, max %.1f ms", round + 1, Double(round) * window,
                    Double(round + 1) * window, round == 0 ? ", every agent registers" : "", sorted.count, percentile(sorted, 0.5) * 1000,
                    percentile(sorted, 0.99) * 1000, (sorted.last ?? 0) * 1000))
        }
        print(
            String(
                format:
                    "heartbeats paced at %.0f/s (%d agents every %.0f s) for %.0f s: %d answered, %d failed, %.0f/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                self.rate, self.agents, Double(self.agents) / self.rate, self.duration, latencies.count, failures,
                Double(latencies.count) / elapsed, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000,
                (latencies.last ?? 0) * 1000))
    }
}
