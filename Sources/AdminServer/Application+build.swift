import AsyncHTTPClient
import Crypto
import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import Logging
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SigV4

/// How the server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Seconds an access key or the region list is trusted from memory when no NOTIFY arrives.
    public var credentialCacheSeconds: Double
    /// Where list files may be fetched from (its S3 endpoint is also where publishing destinations are written).
    public var listSources: ListSources
    /// Seconds between two runs of the S3 export of findings.
    public var exportIntervalSeconds: Double
    /// Where the server may connect on an account's behalf (list files, webhooks): `--allow-fetch-from`.
    public var outbound: OutboundPolicy
    /// Deadline and minimum rate of a list fetch (`--fetch-timeout-seconds`, `--fetch-min-bytes-per-second`).
    public var fetchDeadline: Duration
    public var fetchMinBytesPerSecond: Int
    /// List activations run at once (one per account at a time): `--activation-workers`.
    public var activationWorkers: Int
    /// Slow clients and connections per address: `--request-head-timeout`, `--request-body-timeout`,
    /// `--max-connections-per-address`.
    public var connectionLimits: ConnectionLimits
    /// Agents one account may register per region: `--max-agents-per-account`.
    public var maxAgentsPerAccount: Int
    /// Where `/metrics` is served (a listener of its own, loopback by default); nil: not served.
    public var metricsHost: String
    public var metricsPort: Int?
    /// Absolute lifetime of a console session: `--console-session-hours`.
    public var consoleSessionHours: Double
    /// TLS (`--tls-certificate`, `--tls-key`): HTTP/2 and HTTP/1.1 over TLS 1.2+, `Secure` cookies, HSTS. nil: plain HTTP.
    public var tls: ServerTLS?
    /// With TLS, a plain-HTTP port that only redirects to it (`--http-redirect-port`).
    public var httpRedirectPort: Int?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, credentialCacheSeconds: Double = 5, listSources: ListSources = ListSources(),
        exportIntervalSeconds: Double = 30, outbound: OutboundPolicy = OutboundPolicy(), fetchDeadline: Duration = .seconds(120),
        fetchMinBytesPerSecond: Int = 1024, activationWorkers: Int = 4, connectionLimits: ConnectionLimits = ConnectionLimits(),
        maxAgentsPerAccount: Int = 1000, metricsHost: String = "127.0.0.1", metricsPort: Int? = nil, consoleSessionHours: Double = 12
    ) {
        self.host = host
        self.port = port
        self.credentialCacheSeconds = credentialCacheSeconds
        self.listSources = listSources
        self.exportIntervalSeconds = exportIntervalSeconds
        self.outbound = outbound
        self.fetchDeadline = fetchDeadline
        self.fetchMinBytesPerSecond = fetchMinBytesPerSecond
        self.activationWorkers = activationWorkers
        self.connectionLimits = connectionLimits
        self.maxAgentsPerAccount = maxAgentsPerAccount
        self.metricsHost = metricsHost
        self.metricsPort = metricsPort
        self.consoleSessionHours = consoleSessionHours
        self.tls = nil
        self.httpRedirectPort = nil
    }
}

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

    public init(
        client: PostgresClient, secrets: SecretBox, registry: PrometheusCollectorRegistry? = nil, logger: Logger,
        migrate: Bool = true, runsClient: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.runsClient = runsClient
        self.client = client
        self.secrets = secrets
        self.registry = registry
        self.logger = logger
        self.migrate = migrate
        self.onListening = onListening
    }
}

/// The stores over one PostgreSQL client.
public struct PostgresStores: Sendable {
    public let accounts: PostgresAccountStore
    public let regions: PostgresRegionStore
    public let detectors: PostgresDetectorStore
    public let members: PostgresMemberStore
    public let organization: PostgresOrganizationStore
    public let lists: PostgresListStore
    public let agentChannel: PostgresAgentChannelStore
    public let findings: PostgresFindingStore
    public let webhooks: PostgresWebhookStore
    public let publishingDestinations: PostgresPublishingDestinationStore
    public let consoleSessions: ConsoleSessions
    public let s3Grants: PostgresS3GrantStore
    public let changes: ChangeSignal

    public init(
        client: PostgresClient, secrets: SecretBox, logger: Logger, activationRequested: @escaping @Sendable () -> Void = {},
        maxAgentsPerAccount: Int = 1000, consoleSessionHours: Double = 12
    ) {
        let context = PostgresStoreContext(client: client, logger: logger, secrets: secrets)
        self.changes = context.changes
        self.lists = PostgresListStore(context: context, activationRequested: activationRequested)
        self.agentChannel = PostgresAgentChannelStore(context: context, maxAgentsPerAccount: maxAgentsPerAccount)
        self.findings = PostgresFindingStore(context: context)
        self.webhooks = PostgresWebhookStore(context: context)
        self.publishingDestinations = PostgresPublishingDestinationStore(context: context)
        self.consoleSessions = ConsoleSessions(context: context, absoluteLifetimeHours: consoleSessionHours)
        self.s3Grants = PostgresS3GrantStore(context: context)
        self.accounts = PostgresAccountStore(context: context)
        self.regions = PostgresRegionStore(context: context)
        self.detectors = PostgresDetectorStore(context: context)
        self.members = PostgresMemberStore(context: context)
        self.organization = PostgresOrganizationStore(context: context)
    }
}

/// Builds the administrator server: stores, authentication, the GuardDuty API, `/health` and `/metrics`.
/// The PostgreSQL client and the change listener run as the application's services.
public func buildApplication(
    configuration: ServerConfiguration,
    dependencies: ServerDependencies
) async throws -> some ApplicationProtocol {
    let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    let stores = PostgresStores(
        client: dependencies.client, secrets: dependencies.secrets, logger: dependencies.logger, activationRequested: { wake.yield() },
        maxAgentsPerAccount: configuration.maxAgentsPerAccount, consoleSessionHours: configuration.consoleSessionHours
    )
    // The S3 endpoint is the operator's own: its client is not guarded. Requests made on an account's behalf are.
    let httpClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60)))
    )
    let guarded = GuardedHTTP(policy: configuration.outbound)
    let fetcher = ListFetcher(
        sources: configuration.listSources, guarded: guarded,
        limits: FetchLimits(maxBytes: ListKind.maxFileBytes, deadline: configuration.fetchDeadline, minBytesPerSecond: configuration.fetchMinBytesPerSecond)
    )
    let activator = ListActivator(
        store: stores.lists, fetcher: fetcher, client: httpClient, wakeups: wakeups, logger: dependencies.logger,
        workers: configuration.activationWorkers
    )
    let cache = CredentialCache(accounts: stores.accounts, regions: stores.regions, ttlSeconds: configuration.credentialCacheSeconds)
    let ready = ReadinessFlag()

    let configVersions = ConfigVersionBoard()
    let router = buildRouter(
        stores: stores, cache: cache, configVersions: configVersions, ready: ready, client: dependencies.client, metrics: dependencies.registry != nil,
        tls: configuration.tls != nil
    )
    let s3 = configuration.listSources.s3Endpoint.map {
        S3Client(endpoint: $0, region: configuration.listSources.s3Region, credentials: configuration.listSources.s3Credentials)
    }

    // One gate for every listener: the per-address cap counts a client's connections to all of them together.
    let gate = ConnectionGate(limits: configuration.connectionLimits, logger: dependencies.logger)
    var metricsServices: [any Service] = []
    if let registry = dependencies.registry, let metricsPort = configuration.metricsPort {
        metricsServices.append(metricsApplication(
            registry: registry, host: configuration.metricsHost, port: metricsPort, limits: configuration.connectionLimits, gate: gate,
            logger: dependencies.logger
        ))
    }
    var tlsServices: [any Service] = []
    if let tls = configuration.tls {
        tlsServices.append(CertificateReloader(tls: tls, logger: dependencies.logger))
        if let redirectPort = configuration.httpRedirectPort {
            tlsServices.append(httpRedirectApplication(
                host: configuration.host, port: redirectPort, tlsPort: configuration.port, limits: configuration.connectionLimits, gate: gate,
                logger: dependencies.logger
            ))
        }
    }
    let server = try configuration.tls.map { try $0.server(limits: configuration.connectionLimits, gate: gate) }
        ?? configuration.connectionLimits.http1Server(logger: dependencies.logger, gate: gate)
    var app = Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "guardpost-admin"),
        services: (dependencies.runsClient ? [dependencies.client] : []) + metricsServices + tlsServices
            + [
                ChangeListener(client: dependencies.client, cache: cache, changes: stores.changes, configVersions: configVersions, logger: dependencies.logger), activator,
                FindingRetention(client: dependencies.client, logger: dependencies.logger),
                EventDelivery(client: dependencies.client, http: guarded, secrets: dependencies.secrets, logger: dependencies.logger),
                FindingExporter(
                    client: dependencies.client, http: httpClient, s3: s3, logger: dependencies.logger,
                    interval: .milliseconds(Int(configuration.exportIntervalSeconds * 1000))
                ),
            ],
        onServerRunning: { channel in
            await dependencies.onListening(channel.localAddress?.port ?? configuration.port)
        },
        logger: dependencies.logger
    )
    app.beforeServerStarts {
        if dependencies.migrate {
            try await Migrator(logger: dependencies.logger).migrate(client: dependencies.client)
        }
        try await FindingRetention.maintain(client: dependencies.client, logger: dependencies.logger)
        ready.markReady()
    }
    return app
}

/// Every route of the server: `/health`, the console, and behind SigV4 the GuardDuty API and the agent channel.
/// Requests whose path or query is not canonical are refused before routing.
func buildRouter(
    stores: PostgresStores, cache: CredentialCache, configVersions: ConfigVersionBoard, ready: ReadinessFlag, client: PostgresClient, metrics: Bool,
    tls: Bool = false
) -> Router<GuardpostRequestContext> {
    let router = Router(context: GuardpostRequestContext.self)
    if tls {
        router.add(middleware: StrictTransportSecurity())
    }
    router.add(middleware: GuardDutyErrorResponder())
    router.add(middleware: CanonicalRequestMiddleware())
    if metrics {
        router.add(middleware: MetricsMiddleware())
    }
    router.get("/health") { _, _ -> Response in
        guard ready.isReady else { return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "migrating\n"))) }
        try await client.query("SELECT 1")
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    ConsoleRoutes(stores: stores, sessions: stores.consoleSessions, secureCookies: tls).addRoutes(to: router)
    let api = router.group().add(middleware: SigV4AuthMiddleware(credentials: cache)).group(context: AuthenticatedContext.self)
    let guardDuty = GuardDutyAPI(
        detectors: stores.detectors, members: stores.members, organization: stores.organization,
        detectorResponses: DetectorResponseCache(changes: stores.changes)
    )
    guardDuty.addRoutes(to: api)
    guardDuty.addListRoutes(to: api, store: stores.lists)
    FindingsAPI(store: stores.findings).addRoutes(to: api)
    CoverageAPI(store: stores.agentChannel).addRoutes(to: api)
    UsageAPI(store: stores.agentChannel).addRoutes(to: api)
    PublishingDestinationsAPI(store: stores.publishingDestinations).addRoutes(to: api)
    AgentChannelRoutes(store: stores.agentChannel, findings: stores.findings, configVersions: configVersions).addRoutes(to: api)
    return router
}

/// The server's route table (method and Hummingbird path), for `guardpost-admin routes` and the isolation tests.
/// Nothing is connected: the stores are built over a client that never runs.
public func serverRouteTable(logger: Logger) -> [(method: String, path: String)] {
    let client = PostgresClient(
        configuration: .init(host: "127.0.0.1", port: 1, username: "none", password: nil, database: nil, tls: .disable), backgroundLogger: logger
    )
    let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: logger)
    let cache = CredentialCache(accounts: stores.accounts, regions: stores.regions, ttlSeconds: 1)
    let router = buildRouter(stores: stores, cache: cache, configVersions: ConfigVersionBoard(), ready: ReadinessFlag(), client: client, metrics: false)
    return router.routes.map { (method: $0.method.rawValue, path: $0.path.description) }
        .sorted { ($0.path, $0.method) < ($1.path, $1.method) }
}

/// `/metrics` (Prometheus) on a listener of its own, so that the API port never shows the server's internals.
func metricsApplication(
    registry: PrometheusCollectorRegistry, host: String, port: Int, limits: ConnectionLimits, gate: ConnectionGate, logger: Logger
) -> some Service {
    let router = Router()
    router.get("/metrics") { _, _ -> Response in
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
    return Application(
        router: router,
        server: limits.http1Server(logger: logger, gate: gate),
        configuration: .init(address: .hostname(host, port: port), serverName: "guardpost-admin-metrics"),
        onServerRunning: { channel in
            logger.info("metrics listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
        },
        logger: logger
    )
}

/// Whether start-up (migrations) has finished, for `/health`.
final class ReadinessFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    var isReady: Bool { self.value.withLockedValue { $0 } }
    func markReady() { self.value.withLockedValue { $0 = true } }
}
