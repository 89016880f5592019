import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import NIOHTTP1
import NIOPosix

/// `guardpost-bench push`: how long a settings change takes to reach every long-polling agent (issue 16: 10,000).
///
/// The administrator's calls and the enrolment go through the agent's own client (`GuardpostClient`); the simulated
/// agents' polls go through bare keep-alive connections (`AgentConnection`) on an event loop thread of their own
/// (`--agent-threads`), so that the client side takes as little as it can of the cores the server shares with it.
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
    @Option(name: .customLong("agent-threads"), help: "Event loop threads the simulated agents' connections run on.")
    var agentThreads: Int = 1

    /// Agents connect and ask their version this many at a time, and park this many every 100 ms.
    static let wave = 500

    func run() async throws {
        guard let url = URL(string: self.endpoint), let host = url.host, let port = url.port else {
            throw ValidationError("--endpoint must look like http://HOST:PORT")
        }
        let http = benchHTTPClient()
        defer { Task { try? await http.shutdown() } }
        let adminKeys = try AccountKeys.load(self.adminKeys)[0]
        // The administrator's own connection pool: its change must not queue behind the agents' connects.
        let adminHTTP = benchHTTPClient()
        defer { Task { try? await adminHTTP.shutdown() } }
        let admin = try adminKeys.client(self.endpoint, region: self.region, http: adminHTTP)
        let memberKeys = try AccountKeys.load(self.memberKeys)
        let members = try memberKeys.map { ($0, try $0.client(self.endpoint, region: self.region, http: http)) }
        let (adminDetector, memberDetectors) = try await enroll(admin: admin, adminAccountId: adminKeys.accountId, members: members)
        let signers = memberKeys.map { AgentRequestSigner(keys: $0, region: self.region, host: "\(host):\(port)") }
        let agents = zip(signers, memberDetectors).flatMap { pair in Array(repeating: pair, count: self.agentsPerMember) }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.agentThreads)
        defer { group.shutdownGracefully { _ in } }
        var connections: [AgentConnection] = []
        for start in stride(from: 0, to: agents.count, by: Self.wave) {
            connections += try await withThrowingTaskGroup(of: AgentConnection.self) { wave in
                for _ in start..<min(start + Self.wave, agents.count) {
                    wave.addTask { try await AgentConnection.connect(group: group, host: host, port: port) }
                }
                return try await wave.reduce(into: []) { $0.append($1) }
            }
        }
        defer { for connection in connections { connection.close() } }
        if self.parkSeconds > 0 { return try await self.park(agents, connections) }

        print("== push: \(agents.count) agents of \(members.count) members long-polling; \(self.rounds) settings changes")
        let frequencies = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]
        for round in 0..<self.rounds {
            // Every agent learns its current version, then parks a long-poll past it.
            let versions = try await self.currentVersions(agents, connections)
            var polls: [EventLoopFuture<AgentConnection.Answer>] = []
            for (index, (signer, detector)) in agents.enumerated() {
                if index > 0, index % Self.wave == 0 { try await Task.sleep(for: .milliseconds(100)) }
                polls.append(
                    connections[index].send(signer.get("/agent/v1/config", query: "detectorId=\(detector)&version=\(versions[index])&wait=60")))
            }
            // Let the long-polls park, then change the setting that applies to every member.
            try await Task.sleep(for: .milliseconds(3000 + agents.count / 2))
            let changedAt = ContinuousClock.now
            _ = try await admin.send(
                "POST", "/detector/\(adminDetector)", body: Array(#"{"findingPublishingFrequency":"\#(frequencies[round % 3])"}"#.utf8))
            let answeredIn = changedAt.duration(to: .now)
            var latencies: [Double] = []
            for poll in polls {
                let answer = try await poll.get()
                guard answer.status == 200 else { throw AgentError.transport("no new configuration within 60 s (HTTP \(answer.status))") }
                latencies.append(StartMark.seconds(changedAt, answer.arrived))
            }
            latencies.sort()
            print(
                String(
                    format:
                        "round %d: %d agents applied the change: first %.0f ms, p10 %.0f ms, p50 %.0f ms, p99 %.0f ms, max %.0f ms (from the UpdateDetector call, answered in %.0f ms)",
                    round + 1, latencies.count, (latencies.first ?? 0) * 1000, percentile(latencies, 0.1) * 1000, percentile(latencies, 0.5) * 1000,
                    percentile(latencies, 0.99) * 1000, (latencies.last ?? 0) * 1000, StartMark.seconds(changedAt, changedAt + answeredIn) * 1000))
        }
    }

    /// Every agent parks a poll past its current version for `parkSeconds`; prints "parked" once they are all sent.
    func park(_ agents: [(AgentRequestSigner, String)], _ connections: [AgentConnection]) async throws {
        let versions = try await self.currentVersions(agents, connections)
        var polls: [EventLoopFuture<AgentConnection.Answer>] = []
        for (index, (signer, detector)) in agents.enumerated() {
            if index > 0, index % Self.wave == 0 { try await Task.sleep(for: .milliseconds(100)) }
            polls.append(
                connections[index].send(
                    signer.get("/agent/v1/config", query: "detectorId=\(detector)&version=\(versions[index])&wait=\(self.parkSeconds)"),
                    timeout: .seconds(Int64(self.parkSeconds) + 30)))
        }
        try await Task.sleep(for: .milliseconds(3000 + agents.count / 2))
        print("parked: \(agents.count) polls of \(self.parkSeconds) s")
        var unchanged = 0
        for poll in polls {
            if try await poll.get().status == 304 { unchanged += 1 }
        }
        print("\(unchanged) of \(agents.count) polls ended unchanged (304) after \(self.parkSeconds) s")
    }

    /// Every agent's current configuration version, asked a wave at a time.
    func currentVersions(_ agents: [(AgentRequestSigner, String)], _ connections: [AgentConnection]) async throws -> [Int] {
        var versions: [Int] = []
        let decoder = JSONDecoder()
        for start in stride(from: 0, to: agents.count, by: Self.wave) {
            let range = start..<min(start + Self.wave, agents.count)
            let asked = range.map { connections[$0].send(agents[$0].0.get("/agent/v1/config", query: "detectorId=\(agents[$0].1)")) }
            for answer in asked {
                let answer = try await answer.get()
                guard answer.status == 200 else { throw AgentError.transport("GET /agent/v1/config answered HTTP \(answer.status)") }
                versions.append(try decoder.decode(AgentConfig.self, from: Data(answer.body.readableBytesView)).version)
            }
        }
        return versions
    }
}
