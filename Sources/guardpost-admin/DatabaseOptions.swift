import AdminServer
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import Prometheus
import SigV4

/// Where the database and the server key are: shared by every subcommand.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help:
            "PostgreSQL URL (postgres://user:pass@host:port/db). Falls back to DATABASE_URL; with neither, an embedded cluster runs under DATA_DIR/postgres."
    )
    var databaseURL: String?

    @Option(name: .customLong("data-dir"), help: "Directory for the embedded PostgreSQL cluster and the server key.")
    var dataDir: String = ProcessInfo.processInfo.environment["GUARDPOST_DATA_DIR"] ?? "./.guardpost"

    @Option(
        name: .customLong("server-key"),
        help:
            "Base64 of the 32-byte key sealing access-key secrets (falls back to GUARDPOST_SERVER_KEY, then DATA_DIR/server.key, generated when missing)."
    )
    var serverKey: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    var location: DatabaseLocation { DatabaseLocation.resolve(flag: self.databaseURL, dataDir: self.dataDir) }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        return logger
    }

    /// Opens the database (starting the embedded cluster when that is where it is), applies pending migrations,
    /// runs `body`, and stops what it started.
    func withDatabase<T: Sendable>(_ body: @escaping @Sendable (PostgresClient, SecretBox, Logger) async throws -> T) async throws -> T {
        let logger = self.logger("guardpost-admin")
        let opened = try await OpenedDatabase.open(self.location, logger: logger)
        defer { opened.close() }
        let secrets = SecretBox(key: try SecretBox.loadKey(explicit: self.serverKey, dataDir: self.dataDir))
        let client = PostgresClient(configuration: opened.configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            group.addTask {
                try await Migrator(logger: logger).migrate(client: client)
                return try await body(client, secrets, logger)
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw CleanExit.message("database client stopped")
        }
    }
}
