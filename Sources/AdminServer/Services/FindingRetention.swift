import Logging
import PostgresNIO
import ServiceLifecycle

/// Keeps the weekly partitions of `findings` in step with the clock: creates the coming weeks' partitions and drops
/// those older than 90 days (GuardDuty's retention). The server runs it once at start (after migrations) and then
/// every hour. Dropping a partition is instant and leaves no dead rows, unlike DELETE. Replicas may all run it;
/// the SQL function is idempotent.
public struct FindingRetention: Service {
    let client: PostgresClient
    let logger: Logger
    let interval: Duration

    public init(client: PostgresClient, logger: Logger, interval: Duration = .seconds(3600)) {
        self.client = client
        self.logger = logger
        self.interval = interval
    }

    /// One pass: returns how many expired partitions were dropped.
    @discardableResult
    public static func maintain(client: PostgresClient, logger: Logger) async throws -> Int {
        let dropped = try await PostgresFindingPartitions.maintain(client: client, logger: logger)
        if dropped > 0 { logger.info("dropped expired finding partitions", metadata: ["count": "\(dropped)"]) }
        return dropped
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                if Task.isCancelled { return }
                do {
                    try await Self.maintain(client: self.client, logger: self.logger)
                } catch {
                    self.logger.warning(
                        "finding partition maintenance failed; retrying at the next interval", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
        }
    }
}
