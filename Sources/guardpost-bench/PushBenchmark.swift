import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// `guardpost-bench push`: how long a settings change takes to reach 1,000 long-polling agents.
struct PushBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract:
            "Agents (N per member) long-poll their configuration; the administrator changes its publishing frequency; report p50/p99/max until every agent has the new version."
    )

    @Option var endpoint: String
    @Option(name: .customLong("admin-keys"), help: "File with the administrator's keys (JSON).") var adminKeys: String
    @Option(name: .customLong("member-keys"), help: "File with member keys, one JSON object per line.") var memberKeys: String
    @Option(name: .customLong("agents-per-member")) var agentsPerMember: Int = 10
    @Option var rounds: Int = 3
    @Option var region: String = "us-east-1"
    @Option(name: .customLong("park-seconds"), help: "Instead of changing settings: park every agent's poll this long, print 'parked', wait.")
    var parkSeconds: Int = 0

    func run() async throws {
        let http = benchHTTPClient()
        defer { Task { try? await http.shutdown() } }
        let adminKeys = try AccountKeys.load(self.adminKeys)[0]
        // The administrator's own connection pool: its change must not queue behind the agents' connects.
        let adminHTTP = benchHTTPClient()
        defer { Task { try? await adminHTTP.shutdown() } }
        let admin = try adminKeys.client(self.endpoint, region: self.region, http: adminHTTP)
        let members = try AccountKeys.load(self.memberKeys).map { ($0, try $0.client(self.endpoint, region: self.region, http: http)) }
        let (adminDetector, memberDetectors) = try await enroll(admin: admin, adminAccountId: adminKeys.accountId, members: members)
        let agents = zip(members.map(\.1), memberDetectors).flatMap { pair in Array(repeating: pair, count: self.agentsPerMember) }
        if self.parkSeconds > 0 { return try await self.park(agents) }
        print("== push: \(agents.count) agents of \(members.count) members long-polling; \(self.rounds) settings changes")
        let frequencies = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]
        for round in 0..<self.rounds {
            // Every agent learns its current version, then parks a long-poll past it.
            var known: [Int] = []
            for (client, detector) in agents {
                known.append(try await currentVersion(client, detector))
            }
            let versions = known
            let changedAt = StartMark()
            let latencies = try await withThrowingTaskGroup(of: Double.self) { group in
                for (index, (client, detector)) in agents.enumerated() {
                    // Agents connect in waves of 500 every 100 ms, not 10,000 in the same millisecond.
                    if index > 0, index % 500 == 0 { try await Task.sleep(for: .milliseconds(100)) }
                    group.addTask {
                        let response = try await client.send(
                            "GET", "/agent/v1/config", query: "detectorId=\(detector)&version=\(versions[index])&wait=60", timeout: .seconds(90)
                        )
                        let arrived = ContinuousClock.now
                        guard response.status == 200 else { throw AgentError.transport("no new configuration within 60 s") }
                        return changedAt.seconds(until: arrived)
                    }
                }
                // Let the long-polls park (connecting 10,000 takes a while), then change the setting that applies to every member.
                try await Task.sleep(for: .milliseconds(3000 + agents.count / 2))
                changedAt.mark()
                _ = try await admin.send(
                    "POST", "/detector/\(adminDetector)", body: Array(#"{"findingPublishingFrequency":"\#(frequencies[round % 3])"}"#.utf8))
                var all: [Double] = []
                for try await latency in group { all.append(latency) }
                return all.sorted()
            }
            print(
                String(
                    format: "round %d: %d agents applied the change: p50 %.0f ms, p99 %.0f ms, max %.0f ms (from the UpdateDetector call)",
                    round + 1, latencies.count, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000, (latencies.last ?? 0) * 1000))
        }
    }

    /// Every agent parks a poll past its current version for `parkSeconds`; prints "parked" once they are all sent.
    func park(_ agents: [(GuardpostClient, String)]) async throws {
        var known: [Int] = []
        for (client, detector) in agents {
            known.append(try await currentVersion(client, detector))
        }
        let versions = known
        let seconds = self.parkSeconds
        let unchanged = try await withThrowingTaskGroup(of: Bool.self) { group in
            for (index, (client, detector)) in agents.enumerated() {
                if index > 0, index % 500 == 0 { try await Task.sleep(for: .milliseconds(100)) }
                group.addTask {
                    let response = try await client.send(
                        "GET", "/agent/v1/config", query: "detectorId=\(detector)&version=\(versions[index])&wait=\(seconds)",
                        timeout: .seconds(Int64(seconds) + 30))
                    return response.status == 304
                }
            }
            try await Task.sleep(for: .milliseconds(3000 + agents.count / 2))
            print("parked: \(agents.count) polls of \(seconds) s")
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        print("\(unchanged) of \(agents.count) polls ended unchanged (304) after \(seconds) s")
    }
}

/// An agent's current configuration version, asked again when a pooled connection the server had closed fails.
func currentVersion(_ client: GuardpostClient, _ detector: String) async throws -> Int {
    for _ in 1..<3 {
        if let config = try? await client.json("GET", "/agent/v1/config", query: "detectorId=\(detector)", as: AgentConfig.self) {
            return config.version
        }
    }
    return try await client.json("GET", "/agent/v1/config", query: "detectorId=\(detector)", as: AgentConfig.self).version
}
