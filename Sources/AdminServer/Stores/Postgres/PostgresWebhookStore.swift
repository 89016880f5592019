import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// The operator's webhook destinations: every finding event of the account (its own findings and, for an
/// administrator, its Enabled members') is POSTed to each of them in EventBridge's envelope.
public struct PostgresWebhookStore: Sendable {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    /// Webhooks one account may have.
    public static let maxPerAccount = 10

    public func add(accountId: String, url: String, secret: String?) async throws -> String {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw StoreError.invalid("the webhook url must be an http(s) URL, not '\(url.prefix(200))'")
        }
        let sealed = try secret.map { try self.context.secrets.seal($0) }
        let id = "wh-" + PostgresStoreContext.newIdentifier().prefix(16)
        try await self.context.transaction { connection in
            guard try await connection.accountExists(accountId, logger: self.logger) else {
                throw StoreError.notFound("account \(accountId) does not exist")
            }
            try await connection.query("SELECT 1 FROM accounts WHERE account_id = \(accountId) FOR UPDATE", logger: self.logger).consume()
            var count = 0
            for try await value in try await connection.query(
                "SELECT count(*)::int FROM webhooks WHERE account_id = \(accountId)", logger: self.logger
            ).decode(Int.self) {
                count = value
            }
            guard count < Self.maxPerAccount else {
                throw StoreError.invalid("account \(accountId) already has \(count) webhooks; at most \(Self.maxPerAccount) are allowed")
            }
            try await connection.query(
                "INSERT INTO webhooks (webhook_id, account_id, url, secret) VALUES (\(String(id)), \(accountId), \(url), \(sealed.map { ByteBuffer(bytes: $0) }))",
                logger: self.logger
            ).consume()
            try await connection.query("INSERT INTO webhook_deliveries (webhook_id) VALUES (\(String(id)))", logger: self.logger).consume()
        }
        return String(id)
    }

    public func list() async throws -> [WebhookSummary] {
        var result: [WebhookSummary] = []
        for try await row in try await self.context.client.query(
            """
            SELECT w.webhook_id, w.account_id, w.url, w.secret IS NOT NULL,
                   (SELECT count(*) FROM event_outbox o WHERE o.webhook_id = w.webhook_id)::bigint,
                   coalesce(d.delivered, 0)::bigint, coalesce(d.failed_attempts, 0)::bigint, d.last_error
            FROM webhooks w LEFT JOIN webhook_deliveries d USING (webhook_id) ORDER BY w.account_id, w.created_at
            """,
            logger: self.logger
        ).decode((String, String, String, Bool, Int, Int, Int, String?).self) {
            result.append(
                WebhookSummary(
                    webhookId: row.0, accountId: row.1, url: row.2, signed: row.3, pending: row.4, delivered: row.5, failedAttempts: row.6,
                    lastError: row.7
                ))
        }
        return result
    }

    public func remove(webhookId: String) async throws {
        try await self.context.transaction { connection in
            var removed = false
            for try await _ in try await connection.query(
                "DELETE FROM webhooks WHERE webhook_id = \(webhookId) RETURNING 1", logger: self.logger
            ).decode(Int.self) {
                removed = true
            }
            guard removed else { throw StoreError.notFound("webhook \(webhookId) does not exist") }
        }
    }
}

extension PostgresConnection {
    /// Writes the findings that were just stored or moved forward (and are not suppressed) to the outboxes, in the
    /// caller's transaction and one statement: an event per webhook, and a line per S3 publishing destination, of
    /// each of `receivers` (the finding's account and its Enabled administrator).
    func enqueueFindingEvents(account: String, region: String, ids: [String], receivers: [String], logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await self.query(
            """
            WITH moved AS (
                SELECT f.account_id, f.region, \(unescaped: SQL.findingDocument("f")) AS document FROM findings f
                WHERE f.account_id = \(account) AND f.region = \(region) AND f.finding_id = ANY(\(ids)) AND NOT f.suppressed
                  -- Evaluated once: without a webhook or destination to receive them, the findings are not read at all
                  -- (rendering 500 documents was a fifth of an ingest batch's time in the database).
                  AND (EXISTS (SELECT 1 FROM webhooks WHERE account_id = ANY(\(receivers)))
                       OR EXISTS (SELECT 1 FROM publishing_destinations WHERE account_id = ANY(\(receivers)) AND status <> 'STOPPED'))
            ), events AS (
                INSERT INTO event_outbox (event_id, webhook_id, body)
                SELECT e.event_id, w.webhook_id, json_build_object(
                           'version', '0', 'id', e.event_id, 'detail-type', 'GuardDuty Finding', 'source', 'aws.guardduty',
                           'account', w.account_id, 'time', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                           'region', m.region, 'resources', '[]'::json, 'detail', m.document)::text
                FROM moved m
                JOIN webhooks w ON w.account_id = ANY(\(receivers))
                CROSS JOIN LATERAL (SELECT gen_random_uuid() AS event_id) e
            ), exports AS (
                INSERT INTO export_outbox (destination_id, finding_account, body)
                SELECT p.destination_id, m.account_id, m.document::text
                FROM moved m
                JOIN publishing_destinations p ON p.account_id = ANY(\(receivers)) AND p.region = m.region AND p.status <> 'STOPPED'
            )
            SELECT 1
            """,
            logger: logger
        ).consume()
    }
}
