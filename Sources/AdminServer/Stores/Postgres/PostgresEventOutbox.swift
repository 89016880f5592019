import Logging
import NIOCore
import PostgresNIO

/// The event outbox's SQL for `EventDelivery`: leases due rows (30 s, `SKIP LOCKED`, so replicas share the work),
/// and records each outcome together with the webhook's delivery counters.
struct PostgresEventOutbox: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Up to 32 due events, oldest first, leased for 30 s.
    func claim() async throws -> [PendingEvent] {
        var batch: [PendingEvent] = []
        for try await row in try await self.client.query(
            """
            WITH due AS (
                SELECT delivery_id FROM event_outbox
                WHERE next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY delivery_id LIMIT 32 FOR UPDATE SKIP LOCKED)
            UPDATE event_outbox o SET claimed_until = now() + interval '30 seconds'
            FROM due, webhooks w
            WHERE o.delivery_id = due.delivery_id AND w.webhook_id = o.webhook_id
            RETURNING o.delivery_id, o.event_id::text, o.webhook_id, w.url, w.secret, o.body, o.attempts
            """,
            logger: self.logger
        ).decode((Int, String, String, String, ByteBuffer?, String, Int).self) {
            batch.append(
                PendingEvent(
                    id: row.0, eventId: row.1, webhookId: row.2, url: row.3, secret: row.4.map { Array($0.readableBytesView) }, body: row.5,
                    attempts: row.6
                ))
        }
        return batch.sorted { $0.id < $1.id }
    }

    /// A failed attempt: retried after `backoffSeconds`, the failure counted on the webhook.
    func recordFailure(_ event: PendingEvent, failure: String, backoffSeconds: Double) async throws {
        try await self.client.query(
            """
            WITH retried AS (
                UPDATE event_outbox SET attempts = attempts + 1, claimed_until = NULL, last_error = \(failure),
                       next_attempt_at = now() + make_interval(secs => \(backoffSeconds))
                WHERE delivery_id = \(event.id) RETURNING webhook_id)
            UPDATE webhook_deliveries SET failed_attempts = failed_attempts + 1, last_error = \(failure)
            WHERE webhook_id IN (SELECT webhook_id FROM retried)
            """,
            logger: self.logger
        ).consume()
    }

    /// A delivered event: its row is deleted and the delivery counted on the webhook.
    func recordDelivered(_ event: PendingEvent) async throws {
        try await self.client.query(
            """
            WITH done AS (DELETE FROM event_outbox WHERE delivery_id = \(event.id) RETURNING webhook_id)
            UPDATE webhook_deliveries SET delivered = delivered + 1, last_delivered_at = now(), last_error = NULL
            WHERE webhook_id IN (SELECT webhook_id FROM done)
            """,
            logger: self.logger
        ).consume()
    }
}
