import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// Keys as `guardpost-admin accounts create` prints them.
struct AccountKeys: Decodable {
    var accountId: String
    var accessKeyId: String
    var secretAccessKey: String

    /// One JSON object per line.
    static func load(_ path: String) throws -> [AccountKeys] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONDecoder().decode(AccountKeys.self, from: Data($0.utf8)) }
    }

    func client(_ endpoint: String, region: String, http: HTTPClient) throws -> GuardpostClient {
        try GuardpostClient(
            endpointURL: endpoint,
            configuration: AWSConfiguration(credentials: SigV4Credentials(accessKeyId: self.accessKeyId, secretAccessKey: self.secretAccessKey), region: region),
            http: http
        )
    }
}

/// An HTTP client with room for thousands of concurrent requests to one host.
func benchHTTPClient() -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: 4096)
    configuration.timeout = .init(connect: .seconds(10), read: .seconds(90))
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

struct Detectors: Decodable { var detectorIds: [String] }

/// Makes every member account an Enabled member of the administrator (CreateMembers, InviteMembers, and each
/// member's CreateDetector + AcceptAdministratorInvitation); returns the administrator's and the members' detector ids.
func enroll(admin: GuardpostClient, adminAccountId: String, members: [(AccountKeys, GuardpostClient)]) async throws -> (String, [String]) {
    let listed = try await admin.json("GET", "/detector", as: Detectors.self)
    let adminDetector: String
    if let id = listed.detectorIds.first {
        adminDetector = id
    } else {
        struct Created: Decodable { var detectorId: String }
        adminDetector = try await admin.json("POST", "/detector", body: ["enable": true], as: Created.self).detectorId
    }
    for start in stride(from: 0, to: members.count, by: 50) {
        let batch = members[start..<min(start + 50, members.count)]
        struct Details: Encodable { var accountDetails: [[String: String]] }
        _ = try await admin.send("POST", "/detector/\(adminDetector)/member", body: Array(try JSONEncoder().encode(
            Details(accountDetails: batch.map { ["accountId": $0.0.accountId, "email": "\($0.0.accountId)@example.com"] }))))
        _ = try await admin.send("POST", "/detector/\(adminDetector)/member/invite", body: Array(try JSONEncoder().encode(["accountIds": batch.map(\.0.accountId)])))
    }
    var memberDetectors: [String] = []
    for (_, client) in members {
        memberDetectors.append(try await Invitations(client: client).accept(administratorId: adminAccountId))
    }
    return (adminDetector, memberDetectors)
}

/// `guardpost-bench push`: how long a settings change takes to reach 1,000 long-polling agents.
struct PushBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Agents (N per member) long-poll their configuration; the administrator changes its publishing frequency; report p50/p99/max until every agent has the new version."
    )

    @Option var endpoint: String
    @Option(name: .customLong("admin-keys"), help: "File with the administrator's keys (JSON).") var adminKeys: String
    @Option(name: .customLong("member-keys"), help: "File with member keys, one JSON object per line.") var memberKeys: String
    @Option(name: .customLong("agents-per-member")) var agentsPerMember: Int = 10
    @Option var rounds: Int = 3
    @Option var region: String = "us-east-1"

    func run() async throws {
        let http = benchHTTPClient()
        defer { Task { try? await http.shutdown() } }
        let adminKeys = try AccountKeys.load(self.adminKeys)[0]
        let admin = try adminKeys.client(self.endpoint, region: self.region, http: http)
        let members = try AccountKeys.load(self.memberKeys).map { ($0, try $0.client(self.endpoint, region: self.region, http: http)) }
        let (adminDetector, memberDetectors) = try await enroll(admin: admin, adminAccountId: adminKeys.accountId, members: members)
        let agents = zip(members.map(\.1), memberDetectors).flatMap { pair in Array(repeating: pair, count: self.agentsPerMember) }
        print("== push: \(agents.count) agents of \(members.count) members long-polling; \(self.rounds) settings changes")
        let frequencies = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]
        for round in 0..<self.rounds {
            // Every agent learns its current version, then parks a long-poll past it.
            var known: [Int] = []
            for (client, detector) in agents {
                known.append(try await client.json("GET", "/agent/v1/config", query: "detectorId=\(detector)", as: AgentConfig.self).version)
            }
            let versions = known
            let changedAt = StartMark()
            let latencies = try await withThrowingTaskGroup(of: Double.self) { group in
                for (index, (client, detector)) in agents.enumerated() {
                    group.addTask {
                        let response = try await client.send(
                            "GET", "/agent/v1/config", query: "detectorId=\(detector)&version=\(versions[index])&wait=60", timeout: .seconds(90)
                        )
                        let arrived = ContinuousClock.now
                        guard response.status == 200 else { throw AgentError.transport("no new configuration within 60 s") }
                        return changedAt.seconds(until: arrived)
                    }
                }
                // Let the long-polls park, then change the setting that applies to every member.
                try await Task.sleep(for: .seconds(3))
                changedAt.mark()
                _ = try await admin.send("POST", "/detector/\(adminDetector)", body: Array(#"{"findingPublishingFrequency":"\#(frequencies[round % 3])"}"#.utf8))
                var all: [Double] = []
                for try await latency in group { all.append(latency) }
                return all.sorted()
            }
            print(String(format: "round %d: %d agents applied the change: p50 %.0f ms, p99 %.0f ms, max %.0f ms (from the UpdateDetector call)",
                         round + 1, latencies.count, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000, (latencies.last ?? 0) * 1000))
        }
    }
}

/// The instant the change was requested, set once by the benchmark.
final class StartMark: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: ContinuousClock.Instant?
    func mark() { self.lock.withLock { self.instant = .now } }
    func seconds(until end: ContinuousClock.Instant) -> Double {
        let start = self.lock.withLock { self.instant } ?? end
        let duration = end - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A finding of about 1.5 KB, as an agent sends it.
func benchFinding(account: String, detector: String, index: Int, region: String) -> Finding {
    let id = String(format: "%032x", index)
    let remote = "198.51.\(index / 250 % 250).\(index % 250 + 1)"
    var finding = Finding(
        accountId: account, arn: "arn:aws:guardduty:\(region):\(account):detector/\(detector)/finding/\(id)",
        createdAt: "2026-11-20T09:00:00.000Z",
        description: "198.51.100.7 is performing SSH brute force attacks against i-0123456789abcdef0. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password; \(remote) made many failed attempts in ten minutes.",
        id: id, region: region,
        resource: Finding.Resource(resourceType: "Instance", instanceDetails: Finding.InstanceDetails(
            instanceId: "i-\(String(format: "%017x", index % 5000))",
            networkInterfaces: [Finding.NetworkInterface(networkInterfaceId: "eni-0abc\(index % 977)", privateIpAddress: "10.0.\(index % 250).\(index % 200 + 1)", vpcId: "vpc-0123456789")]
        )),
        service: Finding.Service(
            action: .network(Finding.NetworkConnectionAction(blocked: false, direction: "INBOUND", protocolName: "TCP", local: "10.0.0.5", localPort: 22, remote: remote, remotePort: 40000 + index % 20000)),
            evidence: Finding.Evidence(threatIntelligenceDetails: [Finding.ThreatIntelligenceDetail(threatListName: "attackers", threatNames: ["ssh-scanner"])]),
            count: 1 + index % 40, detectorId: detector, eventFirstSeen: "2026-11-20T09:00:00.000Z", eventLastSeen: "2026-11-20T10:00:00.000Z",
            resourceRole: "TARGET", additionalInfo: Finding.AdditionalInfo(value: #"{"sample":false,"threatListName":"attackers","unusualProtocol":"TCP"}"#), featureName: "FlowLogs"
        ),
        severity: [2, 5, 8][index % 3], title: "SSH brute force attacks against an EC2 instance.", type: "UnauthorizedAccess:EC2/SSHBruteForce",
        updatedAt: "2026-11-20T10:00:00.000Z"
    )
    finding.confidence = nil
    return finding
}

/// `guardpost-bench ingest`: signed, idempotent batch upserts through the agent channel; also writes the same rows
/// as a psql script (batches of 500 INSERT … ON CONFLICT DO UPDATE into the same table) for the baseline.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "POST /agent/v1/findings in batches; report rows/s.")

    @Option var endpoint: String
    @Option(name: .customLong("keys"), help: "File with the member's keys (JSON).") var keys: String
    @Option var findings: Int = 20_000
    @Option var batch: Int = 500
    @Option var concurrency: Int = 2
    @Option var region: String = "us-east-1"
    @Option(name: .customLong("emit-sql"), help: "Write the psql baseline script here (rows for --sql-account).") var emitSQL: String?
    @Option(name: .customLong("sql-account")) var sqlAccount: String = "999999999999"

    func run() async throws {
        let http = benchHTTPClient()
        defer { Task { try? await http.shutdown() } }
        let keys = try AccountKeys.load(self.keys)[0]
        let client = try keys.client(self.endpoint, region: self.region, http: http)
        let detectors = try await client.json("GET", "/detector", as: Detectors.self)
        struct Created: Decodable { var detectorId: String }
        let detector: String
        if let existing = detectors.detectorIds.first {
            detector = existing
        } else {
            detector = try await client.json("POST", "/detector", body: ["enable": true], as: Created.self).detectorId
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let all = (0..<self.findings).map { benchFinding(account: keys.accountId, detector: detector, index: $0, region: self.region) }
        let bodies = try stride(from: 0, to: all.count, by: self.batch).map { start in
            Array(try encoder.encode(AgentFindingBatch(detectorId: detector, findings: Array(all[start..<min(start + self.batch, all.count)]))))
        }
        let averageSize = Double(bodies.reduce(0) { $0 + $1.count }) / Double(all.count)
        if let path = self.emitSQL {
            try self.writeSQL(all.map { f -> Finding in
                var copy = f
                copy.accountId = self.sqlAccount
                return copy
            }, detector: detector, to: path, encoder: encoder)
        }
        let next = Counter()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<self.concurrency {
                group.addTask {
                    while let index = next.take(below: bodies.count) {
                        _ = try await client.send("POST", "/agent/v1/findings", body: bodies[index], timeout: .seconds(120))
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = StartMark.seconds(start, ContinuousClock.now)
        print(String(format: "ingest: %d findings (%.0f bytes each) in batches of %d over %d connections: %.2f s, %.0f rows/s",
                     all.count, averageSize, self.batch, self.concurrency, elapsed, Double(all.count) / elapsed))
    }

    func writeSQL(_ findings: [Finding], detector: String, to path: String, encoder: JSONEncoder) throws {
        func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        var script = "\\set ON_ERROR_STOP on\n"
        for start in stride(from: 0, to: findings.count, by: self.batch) {
            let rows = try findings[start..<min(start + self.batch, findings.count)].map { f -> String in
                let document = String(decoding: try encoder.encode(f), as: UTF8.self)
                let remote = f.service.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4 ?? ""
                return "(date_trunc('week', now() AT TIME ZONE 'UTC')::date, \(literal(f.accountId)), \(literal(f.region)), \(literal(f.id)), \(literal(detector)), "
                    + "\(literal(f.type)), \(f.severity), \(f.service.count), \(literal(f.createdAt)), \(literal(f.updatedAt)), \(literal(f.service.eventFirstSeen)), "
                    + "\(literal(f.service.eventLastSeen)), 'Instance', \(literal(f.resource.instanceDetails?.instanceId ?? "")), \(literal(remote)), \(literal(document))::jsonb)"
            }
            script += """
                INSERT INTO findings AS f (created_week, account_id, region, finding_id, detector_id, type, severity, count, created_at, updated_at,
                    event_first_seen, event_last_seen, resource_type, resource_id, remote_ip, finding) VALUES
                \(rows.joined(separator: ",\n"))
                ON CONFLICT (account_id, region, finding_id, created_week) DO UPDATE SET count = EXCLUDED.count, updated_at = EXCLUDED.updated_at,
                    finding = EXCLUDED.finding WHERE (EXCLUDED.updated_at, EXCLUDED.count) > (f.updated_at, f.count);

                """
        }
        try script.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

extension StartMark {
    static func seconds(_ start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) -> Double {
        let duration = end - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Hands out indexes to concurrent workers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        self.lock.withLock {
            guard self.value < limit else { return nil }
            defer { self.value += 1 }
            return self.value
        }
    }
}

/// `guardpost-bench heartbeats`: how many agent heartbeats one server process takes per second.
struct HeartbeatBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "heartbeats", abstract: "Heartbeats of N agents as fast as they go; report heartbeats/s.")

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
                agentId: String(format: "agent-bench%08d", index), detectorId: members[member].1, hostname: "host-\(index)", version: "0.4.0", configVersion: 1,
                sources: [.init(dataSource: "FLOW_LOGS", path: "/var/log/flow", records: index, errors: 0, lagSeconds: 2, recordsSinceLast: 100, bytesSinceLast: 20_000)]
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
        print(String(format: "heartbeats: %d in %.1f s over %d connections = %.0f/s; %d agents every 30 s need %.0f/s (%.1fx headroom)",
                     sent, elapsed, self.concurrency, rate, self.agents, Double(self.agents) / 30, rate / (Double(self.agents) / 30)))
    }
}

/// `guardpost-bench findings-query`: latency of the administrator's findings operations over a loaded store.
struct FindingsQueryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "findings-query", abstract: "ListFindings, GetFindings and GetFindingsStatistics latency (one connection, sequential).")

    @Option var endpoint: String
    @Option(name: .customLong("admin-keys")) var adminKeys: String
    @Option var requests: Int = 200
    @Option var region: String = "us-east-1"

    func run() async throws {
        let http = benchHTTPClient()
        defer { Task { try? await http.shutdown() } }
        let keys = try AccountKeys.load(self.adminKeys)[0]
        let client = try keys.client(self.endpoint, region: self.region, http: http)
        guard let detector = try await client.json("GET", "/detector", as: Detectors.self).detectorIds.first else { throw ValidationError("no detector") }
        let typical = #"{"findingCriteria":{"criterion":{"severity":{"gte":7},"service.archived":{"eq":["false"]}}},"sortCriteria":{"attributeName":"updatedAt","orderBy":"DESC"},"maxResults":50}"#
        let ids = try await client.json("POST", "/detector/\(detector)/findings", body: Optional<String>.none, as: ListFindingsResponse.self).findingIds
        let getBody = String(decoding: try JSONEncoder().encode(["findingIds": ids]), as: UTF8.self)
        let cases: [(String, String, String)] = [
            ("ListFindings severity>=7, current, updatedAt desc, 50", "/detector/\(detector)/findings", typical),
            ("ListFindings no criteria, 50", "/detector/\(detector)/findings", #"{"maxResults":50}"#),
            ("GetFindings 50 ids", "/detector/\(detector)/findings/get", getBody),
            ("GetFindingsStatistics groupBy SEVERITY", "/detector/\(detector)/findings/statistics", #"{"groupBy":"SEVERITY"}"#),
            ("GetFindingsStatistics groupBy ACCOUNT", "/detector/\(detector)/findings/statistics", #"{"groupBy":"ACCOUNT","maxResults":100}"#),
            ("GetFindingsStatistics COUNT_BY_SEVERITY", "/detector/\(detector)/findings/statistics", #"{"findingStatisticTypes":["COUNT_BY_SEVERITY"]}"#),
        ]
        print("== findings-query: \(ids.count) ids on the first page; \(self.requests) sequential requests per case")
        for (label, path, body) in cases {
            var latencies: [Double] = []
            for round in 0..<(self.requests + 5) {
                let start = ContinuousClock.now
                _ = try await client.send("POST", path, body: Array(body.utf8))
                if round >= 5 { latencies.append(StartMark.seconds(start, ContinuousClock.now)) }
            }
            latencies.sort()
            print(String(format: "%@: p50 %.1f ms, p99 %.1f ms", label, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000))
        }
    }
}
