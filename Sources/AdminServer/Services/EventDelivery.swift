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
    let outbox: PostgresEventOutbox
    /// Webhook URLs are the operator's, but they are still checked like every outbound request on an account's
    /// behalf (`--allow-fetch-from` names internal receivers).
    let http: GuardedHTTP
    let secrets: SecretBox
    let logger: Logger
    let pollInterval: Duration

    public init(client: PostgresClient, http: GuardedHTTP, secrets: SecretBox, logger: Logger, pollInterval: Duration = .milliseconds(250)) {
        self.outbox = PostgresEventOutbox(client: client, logger: logger)
        self.http = http
        self.secrets = secrets
        self.logger = logger
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let batch = try await self.outbox.claim()
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

    func deliver(_ delivery: PendingEvent) async {
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
                try await self.outbox.recordFailure(delivery, failure: failure, backoffSeconds: min(300.0, pow(2.0, Double(delivery.attempts))))
            } else {
                try await self.outbox.recordDelivered(delivery)
            }
        } catch {
            self.logger.warning(
                "event delivery could not record an outcome; the lease will expire and it is retried", metadata: ["error": "\(error)"])
        }
    }
}
