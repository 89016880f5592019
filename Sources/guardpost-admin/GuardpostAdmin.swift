import AdminServer
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import SigV4
import Prometheus

/// `guardpost-admin`: the administrator server and its operator commands.
@main
struct GuardpostAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardpost-admin",
        abstract: "Guardpost's administrator server: a GuardDuty-compatible API for a multi-account organisation.",
        subcommands: [Serve.self, Migrate.self, Accounts.self, Regions.self, Webhooks.self],
        defaultSubcommand: nil
    )
}

/// Where the database and the server key are: shared by every subcommand.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (postgres://user:pass@host:port/db). Falls back to DATABASE_URL; with neither, an embedded cluster runs under DATA_DIR/postgres.")
    var databaseURL: String?

    @Option(name: .customLong("data-dir"), help: "Directory for the embedded PostgreSQL cluster and the server key.")
    var dataDir: String = ProcessInfo.processInfo.environment["GUARDPOST_DATA_DIR"] ?? "./.guardpost"

    @Option(name: .customLong("server-key"), help: "Base64 of the 32-byte key sealing access-key secrets (falls back to GUARDPOST_SERVER_KEY, then DATA_DIR/server.key, generated when missing).")
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
        let opened = try OpenedDatabase.open(self.location, logger: logger)
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

extension GuardpostAdmin {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the administrator server (applies pending migrations first).")

        @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
        @Option(help: "Port to listen on (0 picks a free one).") var port: Int = 8080
        @Option(name: .customLong("credential-cache-seconds"), help: "How long an access key is trusted from memory without a change notification.")
        var credentialCacheSeconds: Double = 5
        @Option(name: .customLong("lists-dir"), help: "Directory that file:// list locations must be inside (file:// is refused without it).")
        var listsDir: String?
        @Option(name: .customLong("s3-endpoint-url"), help: "S3-compatible endpoint for s3:// list locations and S3 publishing destinations (signed with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).")
        var s3EndpointURL: String?
        @Option(name: .customLong("s3-region"), help: "Region to sign S3 requests for.")
        var s3Region: String = ProcessInfo.processInfo.environment["AWS_REGION"] ?? "us-east-1"
        @Option(name: .customLong("export-interval-seconds"), help: "Seconds between two exports of findings to S3 publishing destinations.")
        var exportIntervalSeconds: Double = 30
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = Logger.Level(rawValue: self.database.logLevel) ?? .info
                return handler
            }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let logger = self.database.logger("guardpost-admin")
            let opened = try OpenedDatabase.open(self.database.location, logger: logger)
            defer { opened.close() }
            let secrets = SecretBox(key: try SecretBox.loadKey(explicit: self.database.serverKey, dataDir: self.database.dataDir))
            let client = PostgresClient(configuration: opened.configuration, backgroundLogger: logger)
            let host = self.host
            let app = try await buildApplication(
                configuration: ServerConfiguration(
                    host: self.host, port: self.port, credentialCacheSeconds: self.credentialCacheSeconds,
                    listSources: ListSources(
                        listsDirectory: self.listsDir, s3Endpoint: self.s3EndpointURL, s3Region: self.s3Region,
                        s3Credentials: Self.environmentCredentials()
                    ),
                    exportIntervalSeconds: self.exportIntervalSeconds
                ),
                dependencies: ServerDependencies(
                    client: client, secrets: secrets, registry: registry, logger: logger,
                    onListening: { port in
                        FileHandle.standardOutput.write(Data("guardpost-admin listening on http://\(host):\(port)\n".utf8))
                    }
                )
            )
            try await app.runService()
        }

        /// The server's own credentials for S3, as AWS tools read them from the environment.
        static func environmentCredentials() -> SigV4Credentials? {
            let environment = ProcessInfo.processInfo.environment
            guard let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else { return nil }
            return SigV4Credentials(accessKeyId: id, secretAccessKey: secret)
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations and exit.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await self.database.withDatabase { client, _, logger in
                let applied = try await Migrator(logger: logger).migrate(client: client)
                print(applied.isEmpty ? "database is up to date" : "applied: \(applied.joined(separator: ", "))")
            }
        }
    }
}
