import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens on PostgreSQL's `guardpost_changes` channel: drops revoked keys and changed regions from the credential
/// cache, and moves the change signal (which retires cached API responses) whenever another process (a replica,
/// `guardpost-admin accounts …`) commits a change. Payloads: `key:ID`, `region:NAME`, `config:DETECTOR:VERSION`,
/// `detector:ID`, `members` (any membership change, or a detector created or deleted). Reconnects after a lost connection; the caches' TTL bounds staleness while it does.
public struct ChangeListener: Service {
    let client: PostgresClient
    let cache: CredentialCache
    let changes: ChangeSignal
    let configVersions: ConfigVersionBoard
    let logger: Logger

    public init(client: PostgresClient, cache: CredentialCache, changes: ChangeSignal, configVersions: ConfigVersionBoard, logger: Logger) {
        self.client = client
        self.cache = cache
        self.changes = changes
        self.configVersions = configVersions
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.client.withConnection { connection in
                        try await connection.listen(on: "guardpost_changes") { notifications in
                            // Anything missed while (re)connecting is dropped wholesale.
                            self.cache.invalidateAll()
                            self.changes.bump()
                            self.configVersions.invalidate()
                            for try await notification in notifications {
                                self.apply(notification.payload)
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning("change listener lost its connection; retrying", metadata: ["error": "\(error)"])
                    self.cache.invalidateAll()
                    self.changes.bump()
                    self.configVersions.invalidate()
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    func apply(_ payload: String) {
        self.changes.bump()
        self.configVersions.apply(payload)
        if payload.hasPrefix("key:") {
            self.cache.invalidateKey(String(payload.dropFirst(4)))
        } else if payload.hasPrefix("region:") {
            self.cache.invalidateRegions()
        }
    }
}
