import Logging
import PostgresNIO

/// The weekly partitions of `findings`: the SQL function that creates the coming weeks' partitions and drops those
/// past GuardDuty's 90-day retention. `FindingRetention` schedules it.
enum PostgresFindingPartitions {
    /// One idempotent pass; returns how many expired partitions were dropped.
    static func maintain(client: PostgresClient, logger: Logger) async throws -> Int {
        var dropped = 0
        for try await (count) in try await client.query("SELECT guardpost_maintain_finding_partitions()", logger: logger).decode(Int.self) {
            dropped = count
        }
        return dropped
    }
}
