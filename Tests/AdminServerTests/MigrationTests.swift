import Foundation
import PostgresNIO
import Testing

@testable import AdminServer

/// Migrations: applied once, in order, recorded with a checksum; an edited applied migration is refused.
@Suite("Migrations")
struct MigrationTests {
    @Test func applyingTwiceAppliesNothingTheSecondTime() async throws {
        try await TestDatabase.withDatabase(migrate: false) { client, _ in
            let migrator = Migrator(logger: TestDatabase.logger)
            #expect(try await migrator.migrate(client: client) == Migration.embedded.map(\.name))
            #expect(try await migrator.migrate(client: client) == [])
            var recorded: [String] = []
            for try await (name) in try await client.query("SELECT name FROM schema_migrations ORDER BY version").decode(String.self) {
                recorded.append(name)
            }
            #expect(recorded == Migration.embedded.map(\.name))
        }
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        try await TestDatabase.withDatabase(migrate: false) { client, _ in
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<3 { group.addTask { try await Migrator(logger: TestDatabase.logger).migrate(client: client) } }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            #expect(results.flatMap { $0 }.sorted() == Migration.embedded.map(\.name).sorted())
        }
    }

    @Test func anEditedAppliedMigrationIsRefused() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let edited = Migration.embedded.map { Migration(name: $0.name, sql: $0.sql + "\n-- edited") }
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator(migrations: edited, logger: TestDatabase.logger).migrate(client: client)
            }
            #expect(error?.description.contains("was changed after it was applied") == true)
        }
    }

    @Test func aFailingMigrationLeavesNoTrace() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let broken = Migration.embedded + [Migration(name: "9999_broken.sql", sql: "CREATE TABLE half_done (id int); SELECT no_such_function();")]
            await #expect(throws: MigrationError.self) { try await Migrator(migrations: broken, logger: TestDatabase.logger).migrate(client: client) }
            var tables = 0
            for try await (count) in try await client.query("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'").decode(Int.self) {
                tables = count
            }
            #expect(tables == 0)
        }
    }

    @Test func theBinaryCarriesExactlyTheFilesInMigrations() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent("migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == Migration.embedded.map(\.name), "run scripts/embed-migrations.sh")
        for migration in Migration.embedded {
            let text = try String(contentsOf: directory.appendingPathComponent(migration.name), encoding: .utf8)
            #expect(
                text == migration.sql + "\n" || text == migration.sql,
                "\(migration.name) differs from its embedded copy: run scripts/embed-migrations.sh")
        }
    }

    @Test func scriptsSplitOnTopLevelSemicolonsOnly() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE t (v text DEFAULT 'a;b');
            CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
            /* block; comment */ SELECT "odd;name" FROM t;
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 3)
        #expect(statements[1].contains("$$ SELECT 1; $$"))
    }
}
