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
import ThreatLists

/// Builds the administrator server: stores, authentication, the GuardDuty API, `/health` and `/metrics`.
/// The PostgreSQL client and the change listener run as the application's services.
public func buildApplication(
    configuration: ServerConfiguration,
    dependencies: ServerDependencies
) async throws -> some ApplicationProtocol {
    let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    let stores = PostgresStores(
        client: dependencies.client, secrets: dependencies.secrets, logger: dependencies.logger, activationRequested: { wake.yield() },
        maxAgentsPerAccount: configuration.maxAgentsPerAccount, consoleSessionHours: configuration.consoleSessionHours,
        reads: dependencies.reads
    )
    // The S3 endpoint is the operator's own: its client is not guarded. Requests made on an account's behalf are.
    let httpClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60)))
    )
    let guarded = GuardedHTTP(policy: configuration.outbound)
    let fetcher = ListFetcher(
        sources: configuration.listSources, guarded: guarded,
        limits: FetchLimits(
            maxBytes: ListKind.maxFileBytes, deadline: configuration.fetchDeadline, minBytesPerSecond: configuration.fetchMinBytesPerSecond)
    )
    let activator = ListActivator(
        store: stores.lists, fetcher: fetcher, client: httpClient, wakeups: wakeups, logger: dependencies.logger,
        workers: configuration.activationWorkers
    )
    let cache = CredentialCache(accounts: stores.accounts, regions: stores.regions, ttlSeconds: configuration.credentialCacheSeconds)
    let ready = ReadinessFlag()
    var feeds = FeedRefresher(
        store: stores.intelFeeds, http: guarded,
        limits: FetchLimits(
            maxBytes: FeedRefresher.maxBytes, deadline: configuration.fetchDeadline, minBytesPerSecond: configuration.fetchMinBytesPerSecond),
        logger: dependencies.logger
    )
    feeds.isReady = { ready.isReady }

    let configVersions = ConfigVersionBoard()
    let router = buildRouter(
        api: stores.api,
        console: ConsoleRoutes(
            stores: stores, sessions: stores.consoleSessions, secureCookies: configuration.tls != nil, prices: configuration.priceTable),
        credentials: cache, configVersions: configVersions, ready: ready, checkDatabase: { try await stores.checkConnection() },
        metrics: dependencies.registry != nil, tls: configuration.tls != nil,
        longPollSeconds: configuration.connectionLimits.longPollSeconds, prices: configuration.priceTable, geo: configuration.geo,
        databaseDeadline: configuration.databaseDeadline
    )
    let s3 = configuration.listSources.s3Endpoint.map {
        S3Client(endpoint: $0, region: configuration.listSources.s3Region, credentials: configuration.listSources.s3Credentials)
    }

    // One gate for every listener: the per-address cap counts a client's connections to all of them together.
    let gate = ConnectionGate(limits: configuration.connectionLimits, logger: dependencies.logger)
    let server =
        try configuration.tls.map { try $0.server(limits: configuration.connectionLimits, gate: gate) }
        ?? configuration.connectionLimits.http1Server(logger: dependencies.logger, gate: gate)
    var app = Application(
        router: router,
        server: server,
        // A restarted server is reconnected to by every agent at once: a queue of 4,096 pending connections (Linux's
        // default cap) instead of 256 keeps their connects from being dropped and retried for seconds.
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "guardpost-admin", backlog: 4096),
        services: (dependencies.runsClient ? [dependencies.client] : []) + readReplicaServices(dependencies)
            + extraListeners(configuration: configuration, dependencies: dependencies, gate: gate)
            + [
                ChangeListener(
                    client: dependencies.client, cache: cache, changes: stores.changes, configVersions: configVersions, logger: dependencies.logger),
                activator,
            ] + (configuration.intelFetch ? [feeds as any Service] : []) + [
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
        await stores.agentChannel.rememberRecentAgents()
        ready.markReady()
    }
    return app
}

/// With a read replica: its client and the poller of its replay position.
func readReplicaServices(_ dependencies: ServerDependencies) -> [any Service] {
    guard let reads = dependencies.reads else { return [] }
    return [reads.standby, reads]
}

/// The listeners beside the API's: `/metrics` on its own port, and with TLS the certificate reloader and the plain-HTTP
/// redirect, all behind the same connection gate.
func extraListeners(configuration: ServerConfiguration, dependencies: ServerDependencies, gate: ConnectionGate) -> [any Service] {
    var services: [any Service] = []
    if let registry = dependencies.registry, let metricsPort = configuration.metricsPort {
        services.append(
            metricsApplication(
                registry: registry, host: configuration.metricsHost, port: metricsPort, limits: configuration.connectionLimits, gate: gate,
                logger: dependencies.logger
            ))
    }
    if let tls = configuration.tls {
        services.append(CertificateReloader(tls: tls, logger: dependencies.logger))
        if let redirectPort = configuration.httpRedirectPort {
            services.append(
                httpRedirectApplication(
                    host: configuration.host, port: redirectPort, tlsPort: configuration.port, limits: configuration.connectionLimits, gate: gate,
                    logger: dependencies.logger
                ))
        }
    }
    return services
}

/// Every route of the server: `/health`, the console, and behind SigV4 the GuardDuty API and the agent channel.
/// Requests whose path or query is not canonical are refused before routing. The console's and the API's handlers
/// run under `databaseDeadline` (`DeadlineRoutes`); the agent channel bounds its own database work.
func buildRouter(
    api stores: APIStores, console: ConsoleRoutes?, credentials: CredentialCache, configVersions: ConfigVersionBoard, ready: ReadinessFlag,
    checkDatabase: @escaping @Sendable () async throws -> Void, metrics: Bool, tls: Bool = false, longPollSeconds: Double = 60,
    prices: PriceTable = .bundled, geo: FindingEnricher? = nil, databaseDeadline: Duration = DatabaseDeadline.limit
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
        // A health check that takes seconds is a failed one; nor may a lost query hold the request (`DatabaseDeadline`).
        try await DatabaseDeadline.bounded(within: min(databaseDeadline, .seconds(5)), checkDatabase)
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    console?.addRoutes(to: DeadlineRoutes(router, limit: databaseDeadline, bodyLimit: ConsoleRoutes.maxFormBytes))
    let api = router.group().add(middleware: SigV4AuthMiddleware(credentials: credentials)).group(context: AuthenticatedContext.self)
        .add(middleware: ReadYourWritesMiddleware())
    let bounded = DeadlineRoutes(api, limit: databaseDeadline, bodyLimit: APIBody.maxBodySize).group()
    let controllers = apiControllers(
        stores, configVersions: configVersions, longPollSeconds: longPollSeconds, prices: prices, geo: geo, databaseDeadline: databaseDeadline)
    for controller in controllers {
        controller.addRoutes(to: controller.boundsItsOwnDatabaseWork ? api : bounded)
    }
    return router
}

/// One controller per GuardDuty area, and the agent channel, over the stores' protocols.
func apiControllers(
    _ stores: APIStores, configVersions: ConfigVersionBoard, longPollSeconds: Double = 60, prices: PriceTable = .bundled,
    geo: FindingEnricher? = nil, databaseDeadline: Duration = DatabaseDeadline.limit
) -> [any APIController] {
    [
        DetectorsController(detectors: stores.detectors, responses: ResponseCache(changes: stores.changes, deadline: databaseDeadline)),
        // A page is at most 50 members (~15 kB) and its key holds a caller's page token: 1,000 pages bound what
        // one account's paging can make a replica keep to about 15 MB.
        MembersController(members: stores.members, pages: ResponseCache(changes: stores.changes, capacity: 1_000, deadline: databaseDeadline)),
        InvitationsController(members: stores.members),
        OrganizationController(organization: stores.organization),
        TagsController(detectors: stores.detectors),
    ]
        + ListKind.allCases.map { ListsController(kind: $0, store: stores.lists) }
        + [
            FindingsController(store: stores.findings),
            FiltersController(store: stores.findings),
            CoverageController(store: stores.agentChannel),
            UsageController(store: stores.agentChannel, prices: prices),
            PublishingDestinationsController(store: stores.publishingDestinations),
            AgentChannelController(
                store: stores.agentChannel, findings: stores.findings, configVersions: configVersions,
                configs: ResponseCache(changes: stores.changes, deadline: databaseDeadline), maxWaitSeconds: longPollSeconds, geo: geo,
                deadline: databaseDeadline),
        ]
}

/// The server's route table (method and Hummingbird path), for `guardpost-admin routes` and the isolation tests.
/// Nothing is connected: the stores are built over a client that never runs.
public func serverRouteTable(logger: Logger) -> [(method: String, path: String)] {
    let client = PostgresClient(
        configuration: .init(host: "127.0.0.1", port: 1, username: "none", password: nil, database: nil, tls: .disable), backgroundLogger: logger
    )
    let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: logger)
    let cache = CredentialCache(accounts: stores.accounts, regions: stores.regions, ttlSeconds: 1)
    let router = buildRouter(
        api: stores.api, console: ConsoleRoutes(stores: stores, sessions: stores.consoleSessions), credentials: cache,
        configVersions: ConfigVersionBoard(), ready: ReadinessFlag(), checkDatabase: {}, metrics: false
    )
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

/// Runs `serve` until SIGTERM or SIGINT. The graceful shutdown (listeners closed, requests answered, parked polls
/// woken, services stopped) may take up to `shutdownGrace`; past it, what is left is cancelled, so that a replica always
/// exits. Each request's database work is bounded (`DatabaseDeadline`, 30 s), but a request whose calls are lost one
/// after another, or a background job stuck on a lost query, would otherwise hold the process for good.
public func runServer(_ app: some Service, logger: Logger, shutdownGrace: Duration = .seconds(40)) async throws {
    var configuration = ServiceGroupConfiguration(
        services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    configuration.maximumGracefulShutdownDuration = shutdownGrace
    try await ServiceGroup(configuration: configuration).run()
}
