import AsyncHTTPClient
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

    public init(
        host: String = "127.0.0.1", port: Int = 8080, credentialCacheSeconds: Double = 5, listSources: ListSources = ListSources(),
        exportIntervalSeconds: Double = 30
    ) {
        self.host = host
        self.port = port
        self.credentialCacheSeconds = credentialCacheSeconds
        self.listSources = listSources
        self.exportIntervalSeconds = exportIntervalSeconds
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
    public let changes: ChangeSignal

    public init(client: PostgresClient, secrets: SecretBox, logger: Logger, activationRequested: @escaping @Sendable () -> Void = {}) {
        let context = PostgresStoreContext(client: client, logger: logger, secrets: secrets)
        self.changes = context.changes
        self.lists = PostgresListStore(context: context, activationRequested: activationRequested)
        self.agentChannel = PostgresAgentChannelStore(context: context)
        self.findings = PostgresFindingStore(context: context)
        self.webhooks = PostgresWebhookStore(context: context)
        self.publishingDestinations = PostgresPublishingDestinationStore(context: context)
        self.consoleSessions = ConsoleSessions(context: context)
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
        client: dependencies.client, secrets: dependencies.secrets, logger: dependencies.logger, activationRequested: { wake.yield() }
    )
    let httpClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(redirectConfiguration: .follow(max: 3, allowCycles: false), timeout: .init(connect: .seconds(10), read: .seconds(60)))
    )
    let activator = ListActivator(
        store: stores.lists, fetcher: ListFetcher(sources: configuration.listSources, client: httpClient), client: httpClient,
        wakeups: wakeups, logger: dependencies.logger
    )
    let cache = CredentialCache(accounts: stores.accounts, regions: stores.regions, ttlSeconds: configuration.credentialCacheSeconds)
    let ready = ReadinessFlag()

    let router = Router(context: GuardpostRequestContext.self)
    router.add(middleware: GuardDutyErrorResponder())
    if dependencies.registry != nil {
        router.add(middleware: MetricsMiddleware())
    }
    router.get("/health") { _, _ -> Response in
        guard ready.isReady else { return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "migrating\n"))) }
        try await dependencies.client.query("SELECT 1")
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    if let registry = dependencies.registry {
        router.get("/metrics") { _, _ -> Response in
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
    ConsoleRoutes(stores: stores, sessions: stores.consoleSessions).addRoutes(to: router)
    let api = router.group().add(middleware: SigV4AuthMiddleware(credentials: cache))
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
    let s3 = configuration.listSources.s3Endpoint.map {
        S3Client(endpoint: $0, region: configuration.listSources.s3Region, credentials: configuration.listSources.s3Credentials)
    }
    let configVersions = ConfigVersionBoard()
    AgentChannelRoutes(store: stores.agentChannel, findings: stores.findings, configVersions: configVersions).addRoutes(to: api)

    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "guardpost-admin"),
        services: (dependencies.runsClient ? [dependencies.client] : [])
            + [
                ChangeListener(client: dependencies.client, cache: cache, changes: stores.changes, configVersions: configVersions, logger: dependencies.logger), activator,
                FindingRetention(client: dependencies.client, logger: dependencies.logger),
                EventDelivery(client: dependencies.client, http: httpClient, secrets: dependencies.secrets, logger: dependencies.logger),
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

/// Whether start-up (migrations) has finished, for `/health`.
final class ReadinessFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    var isReady: Bool { self.value.withLockedValue { $0 } }
    func markReady() { self.value.withLockedValue { $0 = true } }
}
