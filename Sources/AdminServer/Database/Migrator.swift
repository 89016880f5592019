import Crypto
import Logging
import PostgresNIO
import SigV4

/// Applies pending migrations in order, each in its own transaction, under an advisory lock so that
/// several `serve` replicas or `migrate` runs can start at once; refuses a database whose applied
/// migrations were edited afterwards.
public struct Migrator: Sendable {
    /// `pg_advisory_lock` key: "gdpost" in ASCII.
    static let lockKey: Int64 = 0x6764_706f_7374
    public let migrations: [Migration]
    public let logger: Logger

    public init(migrations: [Migration] = Migration.embedded, logger: Logger) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Returns the names of the migrations it applied.
    @discardableResult
    public func migrate(client: PostgresClient) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: self.logger).consume()
            do {
                let applied = try await self.applyPending(connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: self.logger).consume()
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: self.logger)
                throw error
            }
        }
    }

    private func applyPending(_ connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """,
            logger: self.logger
        ).consume()
        var recorded: [Int: (String, String)] = [:]
        for try await (version, name, checksum) in try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations", logger: self.logger
        ).decode((Int, String, String).self) {
            recorded[version] = (name, checksum)
        }
        var applied: [String] = []
        for migration in self.migrations {
            if let (name, checksum) = recorded[migration.version] {
                guard checksum == migration.checksum else {
                    throw MigrationError(
                        description: """
                            migration \(migration.name) was changed after it was applied to this database as \(name) \
                            (recorded checksum \(checksum.prefix(12))…, file checksum \(migration.checksum.prefix(12))…). \
                            Shipped migrations are never edited: restore the file and put the change in a new numbered migration.
                            """)
                }
                continue
            }
            self.logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
            try await connection.query("BEGIN", logger: self.logger).consume()
            do {
                for statement in SQLScript.statements(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger).consume()
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: self.logger
                ).consume()
                try await connection.query("COMMIT", logger: self.logger).consume()
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw MigrationError(description: "migration \(migration.name) failed and was rolled back: \(String(reflecting: error))")
            }
            applied.append(migration.name)
        }
        return applied
    }
}
