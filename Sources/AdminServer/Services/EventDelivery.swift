import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import ServiceLifecycle

/// Delivers the event outbox to the webhooks: POST of the EventBridge-shaped event, with
/// `X-Guardpost-Signature: sha256=HEX` (HMAC-SHA256 of the body under the webhook's secret) when it has one, and
/// `X-Guardpost-Event-Id` for the receiver to recognise a repeat. A 2xx answer deletes the row; anything else is
/// retried with exponential backoff (1 s doubling to 5 minutes) until delivered. Rows are leased for 30 s, so
/// replicas share the work and a crashed sender's rows are picked up again. A crash between a 2xx answer and the
/// row's deletion is the one case that repeats an event; the event id lets the receiver drop it.
public struct EventDelivery: Service {
    let client: PostgresClient
    /// Webhook URLs are the operator's, but they are still checked like every outbound request on an account's
    /// behalf (`--allow-fetch-from` names internal receivers).
    let http: GuardedHTTP
    let secrets: SecretBox
    let logger: Logger
    let pollInterval: Duration

    public init(client: PostgresClient, http: GuardedHTTP, secrets: SecretBox, logger: Logger, pollInterval: Duration = .milliseconds(250)) {
        self.client = client
        self.http = http
        self.secrets = secrets
        self.logger = logger
        self.pollInterval = pollInterval
    }

    struct Delivery {
        var id: Int
        var eventId: String
        var webhookId: String
        var url: String
        var secret: [UInt8]?
        var body: String
        var attempts: Int
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let batch = try await self.claim()
                    if batch.isEmpty {
                        try? await Task.sleep(for: self.pollInterval)
                        continue
                    }
                    await withTaskGroup(of: Void.self) { group in
                        for delivery in batch {
                            group.addTask { await self.deliver(delivery) }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning("event delivery could not read its outbox; retrying", metadata: ["error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    func claim() async throws -> [Delivery] {
        var batch: [Delivery] = []
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
                Delivery(
                    id: row.0, eventId: row.1, webhookId: row.2, url: row.3, secret: row.4.map { Array($0.readableBytesView) }, body: row.5,
                    attempts: row.6
                ))
        }
        return batch.sorted { $0.id < $1.id }
    }

    func deliver(_ delivery: Delivery) async {
        var headers: [(String, String)] = [
            ("content-type", "application/json"), ("user-agent", "guardpost-admin"), ("x-guardpost-event-id", delivery.eventId),
            ("x-guardpost-delivery-attempt", String(delivery.attempts + 1)),
        ]
        let body = Array(delivery.body.utf8)
        if let sealed = delivery.secret, let secret = try? self.secrets.open(sealed) {
            let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
            headers.append(("x-guardpost-signature", "sha256=" + mac.map { String(format: "%02x", $0) }.joined()))
        }
        var failure: String? = nil
        do {
            let status = try await self.http.send(delivery.url, method: .POST, headers: headers, body: ByteBuffer(bytes: body), timeout: .seconds(15))
            if !(200..<300).contains(status) { failure = "HTTP \(status)" }
        } catch {
            failure = "\(error)"
        }
        do {
            if let failure {
                let backoff = min(300.0, pow(2.0, Double(delivery.attempts)))
                try await self.client.query(
                    """
                    WITH retried AS (
                        UPDATE event_outbox SET attempts = attempts + 1, claimed_until = NULL, last_error = \(failure),
                               next_attempt_at = now() + make_interval(secs => \(backoff))
                        WHERE delivery_id = \(delivery.id) RETURNING webhook_id)
                    UPDATE webhook_deliveries SET failed_attempts = failed_attempts + 1, last_error = \(failure)
                    WHERE webhook_id IN (SELECT webhook_id FROM retried)
                    """,
                    logger: self.logger
                )
            } else {
                try await self.client.query(
                    """
                    WITH done AS (DELETE FROM event_outbox WHERE delivery_id = \(delivery.id) RETURNING webhook_id)
                    UPDATE webhook_deliveries SET delivered = delivered + 1, last_delivered_at = now(), last_error = NULL
                    WHERE webhook_id IN (SELECT webhook_id FROM done)
                    """,
                    logger: self.logger
                )
            }
        } catch {
            self.logger.warning(
                "event delivery could not record an outcome; the lease will expire and it is retried", metadata: ["error": "\(error)"])
        }
    }
}
