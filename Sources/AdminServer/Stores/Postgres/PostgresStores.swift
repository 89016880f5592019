import Logging
import PostgresNIO

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
    public let intelFeeds: PostgresIntelFeedStore
    public let changes: ChangeSignal
    private let client: PostgresClient

    public init(
        client: PostgresClient, secrets: SecretBox, logger: Logger, activationRequested: @escaping @Sendable () -> Void = {},
        maxAgentsPerAccount: Int = 1000, consoleSessionHours: Double = 12, reads: ReadRouting? = nil
    ) {
        let context = PostgresStoreContext(client: client, logger: logger, secrets: secrets, reads: reads)
        self.client = client
        self.changes = context.changes
        self.lists = PostgresListStore(context: context, activationRequested: activationRequested)
        self.agentChannel = PostgresAgentChannelStore(context: context, maxAgentsPerAccount: maxAgentsPerAccount)
        self.findings = PostgresFindingStore(context: context)
        self.webhooks = PostgresWebhookStore(context: context)
        self.publishingDestinations = PostgresPublishingDestinationStore(context: context)
        self.consoleSessions = ConsoleSessions(context: context, absoluteLifetimeHours: consoleSessionHours)
        self.s3Grants = PostgresS3GrantStore(context: context)
        self.intelFeeds = PostgresIntelFeedStore(context: context)
        self.accounts = PostgresAccountStore(context: context)
        self.regions = PostgresRegionStore(context: context)
        self.detectors = PostgresDetectorStore(context: context)
        self.members = PostgresMemberStore(context: context)
        self.organization = PostgresOrganizationStore(context: context)
    }

    /// Whether the database answers (`/health`).
    public func checkConnection() async throws {
        try await self.client.query("SELECT 1").consume()
    }

    /// The stores the API's controllers use, as their protocols.
    public var api: APIStores {
        APIStores(
            detectors: self.detectors, members: self.members, organization: self.organization, lists: self.lists, findings: self.findings,
            agentChannel: self.agentChannel, publishingDestinations: self.publishingDestinations, changes: self.changes
        )
    }
}
