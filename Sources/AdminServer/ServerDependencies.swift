import AsyncHTTPClient
import Crypto
import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SigV4

/// What the server runs on, made by the caller (the executable or a test).
public struct ServerDependencies: Sendable {
    public var client: PostgresClient
    public var secrets: SecretBox
    public var registry: PrometheusCollectorRegistry?
    public var logger: Logger
    /// Apply pending migrations before the server accepts requests.
    public var migrate: Bool
    /// Run the PostgreSQL client as one of the application's services (false when the caller already runs it).
    public var runsClient: Bool
    /// Called with the bound port once the server listens (useful with port 0).
    public var onListening: @Sendable (Int) async -> Void
    /// The hot standby the findings side's reads may go to (`--read-database-url`); its client is run with the application's.
    public var reads: ReadRouting?

    public init(
        client: PostgresClient, secrets: SecretBox, registry: PrometheusCollectorRegistry? = nil, logger: Logger,
        migrate: Bool = true, runsClient: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in },
        reads: ReadRouting? = nil
    ) {
        self.reads = reads
        self.runsClient = runsClient
        self.client = client
        self.secrets = secrets
        self.registry = registry
        self.logger = logger
        self.migrate = migrate
        self.onListening = onListening
    }
}
