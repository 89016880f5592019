import Logging
import PostgresNIO

/// The `console_sessions` table: sessions keyed by the SHA-256 of their cookie token, with a sliding and an
/// absolute end. `ConsoleSessions` decides what a session is; this type only loads and saves it.
struct PostgresConsoleSessionStore: Sendable {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }

    /// Drops expired sessions and inserts a new one, in one transaction.
    func insert(
        tokenDigest: String, accountId: String, accessKeyId: String, region: String, csrfToken: String, lifetimeSeconds: Int,
        absoluteLifetimeSeconds: Int
    ) async throws {
        try await self.context.transaction(signalsChange: false) { connection in
            try await connection.query("DELETE FROM console_sessions WHERE expires_at < now()", logger: self.logger).consume()
            try await connection.query(
                """
                INSERT INTO console_sessions (token_sha256, account_id, access_key_id, region, csrf_token, expires_at, absolute_expires_at)
                VALUES (\(tokenDigest), \(accountId), \(accessKeyId), \(region), \(csrfToken),
                        now() + make_interval(secs => \(lifetimeSeconds)), now() + make_interval(secs => \(absoluteLifetimeSeconds)))
                """,
                logger: self.logger
            ).consume()
        }
    }

    /// Moves a live session's sliding end forward (never past its absolute end) and returns it; nil when it ended,
    /// its key was revoked or its region is no longer served.
    func touch(tokenDigest: String, lifetimeSeconds: Int) async throws -> ConsoleSession? {
        for try await (account, region, csrf) in try await self.context.client.query(
            """
            UPDATE console_sessions s SET expires_at = least(now() + make_interval(secs => \(lifetimeSeconds)), s.absolute_expires_at)
            WHERE s.token_sha256 = \(tokenDigest) AND s.expires_at > now() AND s.absolute_expires_at > now()
              AND EXISTS (SELECT 1 FROM access_keys k WHERE k.access_key_id = s.access_key_id AND k.revoked_at IS NULL)
              AND EXISTS (SELECT 1 FROM regions r WHERE r.name = s.region AND r.enabled)
            RETURNING s.account_id, s.region, s.csrf_token
            """,
            logger: self.logger
        ).decode((String, String, String).self) {
            return ConsoleSession(accountId: account, region: region, csrfToken: csrf)
        }
        return nil
    }

    func delete(tokenDigest: String) async throws {
        try await self.context.client.query("DELETE FROM console_sessions WHERE token_sha256 = \(tokenDigest)", logger: self.logger).consume()
    }
}
