import AdminServer
import Foundation
import Logging
import PostgresNIO

/// A real PostgreSQL for store and server tests: `DATABASE_URL` when set (the test command starts a throwaway
/// cluster and sets it), otherwise an embedded cluster kept under /tmp/guardpost-swift-tests between runs.
/// Each test gets a database of its own, created empty and dropped afterwards, so suites never interfere.
enum TestDatabase {
    static let logger: Logger = {
        var logger = Logger(label: "tests")
        logger.logLevel = .warning
        return logger
    }()

    static let base: PostgresClient.Configuration = {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            return try! DatabaseLocation.configuration(url: url)
        }
        let embedded = EmbeddedPostgres(dataDir: "/tmp/guardpost-swift-tests", logger: logger)
        return try! embedded.start().configuration
    }()

    /// Runs `body` with a client to a new, migrated database.
    static func withDatabase<T: Sendable>(
        migrate: Bool = true,
        _ body: @escaping @Sendable (PostgresClient, PostgresClient.Configuration) async throws -> T
    ) async throws -> T {
        let name = "gp_test_\(UInt64.random(in: 0...UInt64.max))"
        try await self.admin("CREATE DATABASE \(name)")
        var named = self.base
        named.database = name
        let configuration = named
        let client = PostgresClient(configuration: configuration, backgroundLogger: self.logger)
        let result: Result<T, any Error> = await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            group.addTask {
                do {
                    if migrate { try await Migrator(logger: self.logger).migrate(client: client) }
                    return .success(try await body(client, configuration))
                } catch {
                    return .failure(error)
                }
            }
            var outcome: Result<T, any Error>?
            while let next = await group.next() {
                if let next {
                    outcome = next
                    group.cancelAll()
                }
            }
            return outcome!
        }
        try? await self.admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        return try result.get()
    }

    /// Runs one statement on the base database (database names here are generated, never user input).
    static func admin(_ sql: String) async throws {
        let client = PostgresClient(configuration: self.base, backgroundLogger: self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
            group.cancelAll()
        }
    }
}
