import Foundation
import Logging
import PostgresNIO

/// Where the database is: a URL given by flag or `DATABASE_URL`, or the embedded cluster in the data dir.
public enum DatabaseLocation: Sendable {
    case url(String)
    case embedded(dataDir: String)

    /// The flag wins, then `DATABASE_URL`, then the embedded cluster.
    public static func resolve(flag: String?, dataDir: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> DatabaseLocation
    {
        if let flag, !flag.isEmpty { return .url(flag) }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .url(url) }
        return .embedded(dataDir: dataDir)
    }

    /// Parses `postgres://user:password@host:port/database` (also `postgresql://`; `?host=/dir` for a Unix socket directory).
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw MigrationError(description: "database URL '\(url)' is not of the form postgres://user:password@host:port/database")
        }
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.password.flatMap { $0.removingPercentEncoding }
        let database = String(components.path.dropFirst()).removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? user
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        var configuration: PostgresClient.Configuration
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            configuration = .init(
                host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: user, password: password,
                database: database, tls: .disable
            )
        }
        configuration.options.maximumConnections = 24
        return configuration
    }
}

/// A connection configuration and, for the embedded cluster, the means to stop it when we started it.
public struct OpenedDatabase: Sendable {
    public var configuration: PostgresClient.Configuration
    public var embedded: EmbeddedPostgres?
    public var startedEmbedded: Bool
    /// For a multi-host URL: the forwarder the configuration points at, which reaches the writable host.
    public var forwarder: PrimaryForwarder?

    /// Resolves the location, starting the embedded cluster when that is where the database is, and for a multi-host
    /// URL (`postgres://u@h1:p1,h2:p2/db?target_session_attrs=read-write`) the forwarder to its writable host.
    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> OpenedDatabase {
        switch location {
        case .url(let url):
            if let multiHost = try MultiHostURL.parse(url) {
                let first = try DatabaseLocation.configuration(url: multiHost.url(host: "127.0.0.1", port: 1))
                let forwarder = PrimaryForwarder(
                    hosts: multiHost.hosts, username: first.username, password: first.password, database: first.database, logger: logger)
                let port = try await forwarder.start()
                return OpenedDatabase(
                    configuration: try DatabaseLocation.configuration(url: multiHost.url(host: "127.0.0.1", port: port)), embedded: nil,
                    startedEmbedded: false, forwarder: forwarder)
            }
            return OpenedDatabase(configuration: try DatabaseLocation.configuration(url: url), embedded: nil, startedEmbedded: false)
        case .embedded(let dataDir):
            let embedded = EmbeddedPostgres(dataDir: dataDir, logger: logger)
            let running = try embedded.start()
            return OpenedDatabase(configuration: running.configuration, embedded: embedded, startedEmbedded: running.startedHere)
        }
    }

    /// Stops the embedded cluster if this process started it, and the forwarder.
    public func close() {
        self.forwarder?.close()
        if self.startedEmbedded { self.embedded?.stop() }
    }
}
