import Logging
import PostgresNIO

/// The export outbox and the destinations' publishing state, as `FindingExporter` reads and writes them.
/// Destinations are leased for two minutes, so replicas share them.
struct PostgresExportOutbox: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Leases every destination that is due (not stopped, not leased by another run).
    func claimDueDestinations() async throws -> [ExportDestination] {
        var claimed: [ExportDestination] = []
        for try await row in try await self.client.query(
            """
            UPDATE publishing_destinations SET claimed_until = now() + interval '2 minutes'
            WHERE status <> 'STOPPED' AND (claimed_until IS NULL OR claimed_until < now())
            RETURNING destination_id, destination_arn, status, account_id, region, kms_key_arn
            """,
            logger: self.logger
        ).decode((String, String, String, String, String, String?).self) {
            claimed.append(ExportDestination(id: row.0, arn: row.1, status: row.2, account: row.3, region: row.4, kmsKeyArn: row.5))
        }
        return claimed
    }

    /// The destination cannot be published to: the time the failures started is kept, the lease released.
    func markFailed(destinationId: String, failure: String) async throws {
        try await self.client.query(
            """
            UPDATE publishing_destinations SET status = 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY',
                   failure_started_at = coalesce(failure_started_at, now()), last_error = \(failure), claimed_until = NULL
            WHERE destination_id = \(destinationId)
            """,
            logger: self.logger
        ).consume()
    }

    func markPublishing(destinationId: String) async throws {
        try await self.client.query(
            """
            UPDATE publishing_destinations SET status = 'PUBLISHING', failure_started_at = NULL, last_error = NULL, claimed_until = NULL
            WHERE destination_id = \(destinationId)
            """,
            logger: self.logger
        ).consume()
    }

    func s3BucketGranted(account: String, bucket: String) async throws -> Bool {
        try await self.client.withConnection { connection in
            try await connection.s3BucketGranted(account: account, bucket: bucket, logger: self.logger)
        }
    }

    /// The oldest pending lines of a destination (at most `limit`), with their outbox ids.
    func pending(destinationId: String, limit: Int = 10000) async throws -> [(id: Int, body: String)] {
        var rows: [(id: Int, body: String)] = []
        for try await (id, body) in try await self.client.query(
            "SELECT export_id, body FROM export_outbox WHERE destination_id = \(destinationId) ORDER BY export_id LIMIT \(limit)",
            logger: self.logger
        ).decode((Int, String).self) {
            rows.append((id, body))
        }
        return rows
    }

    func delete(ids: [Int]) async throws {
        try await self.client.query("DELETE FROM export_outbox WHERE export_id = ANY(\(ids))", logger: self.logger).consume()
    }
}
