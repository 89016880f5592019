import Foundation
import PostgresNIO
import Testing

@testable import AdminServer

/// The condition for distributing the findings side by account (docs/sharding.md): with Citus, every primary key
/// and unique constraint of a distributed table must include its distribution column, `account_id`.
@Suite("Sharding-ready schema")
struct ShardingReadySchemaTests {
    /// The findings side: the tables that grow with ingest and are read per account — the findings (and each weekly
    /// partition), their statistics rollup, and the per-account usage counters. They are distributed by account together.
    /// Everything else (accounts, detectors, members, lists, filters, agents, webhooks, outboxes) is small, changes with
    /// the organisation rather than with traffic, and stays on the coordinator or becomes a reference table.
    static let findingsSide = ["findings", "finding_stats", "usage_daily"]

    @Test func everyFindingsSideKeyAndUniqueIndexIncludesTheAccountId() async throws {
        try await TestDatabase.withDatabase { client, _ in
            // The tables and every partition under them (findings is partitioned by week).
            var tables: [String] = []
            for try await (name) in try await client.query(
                """
                WITH RECURSIVE side(oid) AS (
                    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema() AND c.relname = ANY(\(Self.findingsSide))
                    UNION SELECT i.inhrelid FROM pg_inherits i JOIN side ON i.inhparent = side.oid
                )
                SELECT oid::regclass::text FROM side ORDER BY 1
                """
            ).decode(String.self) {
                tables.append(name)
            }
            #expect(Set(Self.findingsSide).isSubset(of: tables))
            #expect(tables.count > Self.findingsSide.count, "the findings' weekly partitions are checked too")
            // Primary keys, unique constraints and unique indexes alike, with whether account_id is one of their columns.
            var keys: [(String, String, Bool)] = []
            for try await row in try await client.query(
                """
                SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,
                       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = 'account_id'
                               AND a.attnum = ANY(i.indkey))
                FROM pg_index i WHERE i.indisunique AND i.indrelid::regclass::text = ANY(\(tables))
                ORDER BY 1, 2
                """
            ).decode((String, String, Bool).self) {
                keys.append(row)
            }
            let keyed = Set(keys.map(\.0))
            #expect(keyed == Set(tables), "every findings-side table has a primary key")
            for (table, index, includesAccount) in keys {
                #expect(includesAccount, "\(table): unique index \(index) lacks account_id, so the table cannot be distributed by account")
            }
        }
    }
}
