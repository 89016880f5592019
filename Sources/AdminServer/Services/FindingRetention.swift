import Logging
import PostgresNIO
import ServiceLifecycle

/// Keeps the weekly partitions of `findings` in step with the clock: creates the coming weeks' partitions and drops
/// those older than 90 days (GuardDuty's retention), at start and then every hour. Dropping a partition is
/// instant and leaves no dead rows, unlike DELETE. Replicas may all run it; the SQL function is idempotent.
public struct FindingRetention: Service {
    let client: PostgresClient
    let logger: Logger
    let interval: Duration

    public init(client: PostgresClient, logger: Logger, interval: Duration = .seconds(3600)) {
        self.client = client
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var pause = self.interval
                do {
                    for try await (dropped) in try await self.client.query(
                        "SELECT guardpost_maintain_finding_partitions()", logger: self.logger
                    ).decode(Int.self) where dropped > 0 {
                        self.logger.info("dropped expired finding partitions", metadata: ["count": "\(dropped)"])
                    }
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning("finding partition maintenance failed; retrying in 30 s", metadata: ["error": "\(error)"])
                    pause = .seconds(30)
                }
                try? await Task.sleep(for: pause)
            }
        }
    }
}
