import AdminServer
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// Findings' documents are compressed with LZ4 (schema 17): the findings table, every weekly partition (those that
/// existed when the migration ran and those the partition function creates later), and the outboxes written with
/// them at ingest. Debian's PostgreSQL is built with LZ4, so these tests expect it.
@Suite("Finding compression")
struct FindingCompressionTests {
    /// `attcompression` of `column` in `tables` and every partition under them: "l" for LZ4, "p" for pglz, "" for the
    /// server's default (pglz unless `default_toast_compression` says otherwise).
    static func compression(_ client: PostgresClient, column: String, of tables: [String]) async throws -> [String: String] {
        var methods: [String: String] = [:]
        for try await (table, method) in try await client.query(
            """
            WITH RECURSIVE tree(oid) AS (
                SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relname = ANY(\(tables))
                UNION SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid
            )
            SELECT tree.oid::regclass::text, a.attcompression::text FROM tree
            JOIN pg_attribute a ON a.attrelid = tree.oid AND a.attname = \(column)
            """
        ).decode((String, String).self) {
            methods[table] = method
        }
        return methods
    }

    @Test func everyFindingsPartitionAndOutboxCompressesWithLZ4() async throws {
        try await TestDatabase.withDatabase { client, _ in
            // Partitions the function creates after the migration (ten more weeks ahead) inherit the parent's method.
            _ = try await client.query("SELECT guardpost_maintain_finding_partitions(12)").collect()
            let findings = try await Self.compression(client, column: "finding", of: ["findings"])
            #expect(findings.count > 20, "the parent and its weekly partitions, those made later included")
            for (table, method) in findings {
                #expect(method == "l", "\(table).finding compresses with \(method.isEmpty ? "the default" : method), not LZ4")
            }
            let outboxes = try await Self.compression(client, column: "body", of: ["event_outbox", "export_outbox"])
            #expect(outboxes == ["event_outbox": "l", "export_outbox": "l"])
        }
    }

    @Test func anIngestedFindingIsStoredWithLZ4AndReadBackWhole() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            // A finding like an agent's, with a description long enough that its row is compressed whatever the shape.
            var finding = makeFinding(account: key.accountId, detectorId: detector, id: "lz4")
            finding.description = String(repeating: "An unusual API call was made from a known malicious address. ", count: 50)
            #expect(try await server.ingest(key, detectorId: detector, [finding]).body["created"] as? Int == 1)
            var stored: [String?] = []
            for try await (method) in try await server.postgres.query(
                "SELECT pg_column_compression(finding) FROM findings WHERE account_id = \(key.accountId) AND finding_id = 'lz4'"
            ).decode(String?.self) {
                stored.append(method)
            }
            #expect(stored == ["lz4"])
            let got = try await server.call(key, .post, "/detector/\(detector)/findings/get", json: #"{"findingIds":["lz4"]}"#)
            let findings = got.body["findings"] as? [[String: Any]] ?? []
            #expect(findings.first?["description"] as? String == finding.description)
        }
    }
}
