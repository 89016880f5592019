import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// `guardpost-bench ingest`: signed, idempotent batch upserts through the agent channel; also writes the same rows
/// as a psql script (batches of 500 INSERT … ON CONFLICT DO UPDATE into the same table) for the baseline.
/// With `--duration`, batches of new findings are made as they are sent, paced at `--rate` rows/s, until the time is up
/// (the load the statistics benchmark runs beside).
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
    @Option(
        name: .customLong("remote-addresses"),
        help: "Comma-separated remote addresses the findings cycle through (default 198.51.x.y), e.g. ones the server's geolocation databases know.")
    var remoteAddresses: String?
    @Option(help: "Send for this many seconds, new findings made as they go (0: send --findings once).") var duration: Double = 0
    @Option(help: "With --duration: target rows per second over all connections (0: as fast as they go).") var rate: Double = 0
    @Option(name: .customLong("first-index"), help: "Index of the first finding (findings of different runs stay distinct).")
    var firstIndex: Int = 0

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
        if self.duration > 0 {
            try await self.paced(client: client, keys: keys, detector: detector, encoder: encoder)
            return
        }
        let remotes = self.remoteAddresses.map { $0.split(separator: ",").map(String.init) } ?? []
        let all = (0..<self.findings).map { index in
            var finding = benchFinding(account: keys.accountId, detector: detector, index: index, region: self.region)
            if !remotes.isEmpty {
                finding.service.action.networkConnectionAction?.remoteIpDetails = Finding.RemoteIpDetails(address: remotes[index % remotes.count])
            }
            return finding
        }
        let bodies = try stride(from: 0, to: all.count, by: self.batch).map { start in
            Array(try encoder.encode(AgentFindingBatch(detectorId: detector, findings: Array(all[start..<min(start + self.batch, all.count)]))))
        }
        let averageSize = Double(bodies.reduce(0) { $0 + $1.count }) / Double(all.count)
        if let path = self.emitSQL {
            try self.writeSQL(
                all.map { f -> Finding in
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
        print(
            String(
                format: "ingest: %d findings (%.0f bytes each) in batches of %d over %d connections: %.2f s, %.0f rows/s",
                all.count, averageSize, self.batch, self.concurrency, elapsed, Double(all.count) / elapsed))
    }

    /// Sends new batches paced at `rate` until `duration` has passed; prints the rate reached.
    /// One batch is encoded up front and each batch sent is that template with its findings' ids (fixed-width hex, in
    /// `id` and `arn`) overwritten: encoding 500 findings per batch made the load generator, on the same two cores as
    /// the server, the limit of the rate reached.
    func paced(client: GuardpostClient, keys: AccountKeys, detector: String, encoder: JSONEncoder) async throws {
        let template = BatchTemplate(
            body: Array(
                try encoder.encode(
                    AgentFindingBatch(
                        detectorId: detector,
                        findings: (0..<self.batch).map {
                            benchFinding(account: keys.accountId, detector: detector, index: self.firstIndex + $0, region: self.region)
                        }))),
            ids: (0..<self.batch).map { benchFindingId(self.firstIndex + $0) })
        let next = Counter()
        let start = ContinuousClock.now
        let sent = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<self.concurrency {
                group.addTask {
                    while let index = next.take(below: Int.max) {
                        if self.rate > 0 {
                            let due = start + .seconds(Double(index * self.batch) / self.rate)
                            if due > ContinuousClock.now { try await Task.sleep(until: due) }
                        }
                        guard StartMark.seconds(start, ContinuousClock.now) < self.duration else { return }
                        let first = self.firstIndex + index * self.batch
                        let body = template.stamped((first..<first + self.batch).map(benchFindingId))
                        // A conflict with a concurrent batch is answered 409 and retried, as the agent does.
                        for attempt in 1...3 {
                            do {
                                _ = try await client.send("POST", "/agent/v1/findings", body: body, timeout: .seconds(120))
                                break
                            } catch AgentError.api(let status, _, _) where status == 409 && attempt < 3 {
                                continue
                            }
                        }
                        _ = sent.take(below: Int.max)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = StartMark.seconds(start, ContinuousClock.now)
        let rows = (sent.take(below: Int.max) ?? 0) * self.batch
        print(
            String(
                format: "paced ingest: %d findings in batches of %d over %d connections in %.1f s: %.0f rows/s (target %.0f)",
                rows, self.batch, self.concurrency, elapsed, Double(rows) / elapsed, self.rate))
    }

    func writeSQL(_ findings: [Finding], detector: String, to path: String, encoder: JSONEncoder) throws {
        func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        var script = "\\set ON_ERROR_STOP on\n"
        for start in stride(from: 0, to: findings.count, by: self.batch) {
            let rows = try findings[start..<min(start + self.batch, findings.count)].map { f -> String in
                let document = String(decoding: try encoder.encode(f), as: UTF8.self)
                let remote = f.service.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4 ?? ""
                return
                    "(date_trunc('week', now() AT TIME ZONE 'UTC')::date, \(literal(f.accountId)), \(literal(f.region)), \(literal(f.id)), \(literal(detector)), "
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
