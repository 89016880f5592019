import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens on PostgreSQL's `guardpost_auth` channel and drops revoked keys and changed regions from the
/// credential cache as soon as any process (another replica, `guardpost-admin accounts revoke-key`) commits them.
/// Reconnects after a lost connection; the cache's TTL bounds staleness while it does.
public struct ChangeListener: Service {
    let client: PostgresClient
    let cache: CredentialCache
    let logger: Logger

    public init(client: PostgresClient, cache: CredentialCache, logger: Logger) {
        self.client = client
        self.cache = cache
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.client.withConnection { connection in
                        try await connection.listen(on: "guardpost_auth") { notifications in
                            // Anything missed while (re)connecting is dropped wholesale.
                            self.cache.invalidateAll()
                            for try await notification in notifications {
                                self.apply(notification.payload)
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning("change listener lost its connection; retrying", metadata: ["error": "\(error)"])
                    self.cache.invalidateAll()
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    func apply(_ payload: String) {
        if payload.hasPrefix("key:") {
            self.cache.invalidateKey(String(payload.dropFirst(4)))
        } else if payload.hasPrefix("region:") {
            self.cache.invalidateRegions()
        } else {
            self.cache.invalidateAll()
        }
    }
}
