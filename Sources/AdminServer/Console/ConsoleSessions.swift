import Crypto
import Foundation
import GuardDutyModel
import Logging
import PostgresNIO
import SigV4

/// A signed-in console user: the account and region it acts as, and the token every change must carry.
public struct ConsoleSession: Sendable, Equatable {
    public var accountId: String
    public var region: String
    public var csrfToken: String
    public var caller: Caller { Caller(accountId: self.accountId, region: self.region) }
}

/// Console sessions in PostgreSQL (shared by replicas): a random 256-bit token in an HttpOnly, SameSite=Strict
/// cookie; the table holds its SHA-256, the account, the access key it signed in with, region, CSRF token and two
/// ends: one hour without use (sliding) and an absolute lifetime (12 hours by default). A session is refused once
/// its key is revoked or its region is no longer served.
public struct ConsoleSessions: Sendable {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }
    public static let lifetimeSeconds = 3600
    /// Hours a session lives however busy it is.
    public let absoluteLifetimeSeconds: Int

    public init(context: PostgresStoreContext, absoluteLifetimeHours: Double = 12) {
        self.context = context
        self.absoluteLifetimeSeconds = max(60, Int(min(absoluteLifetimeHours, 24 * 365) * 3600))
    }

    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Signs in with an access key id and its secret (compared in constant time); returns the cookie token.
    public func signIn(accessKeyId: String, secret: String, region: String, accounts: any AccountStore) async throws -> String? {
        guard (16...128).contains(accessKeyId.utf8.count), let key = try await accounts.accessKey(id: accessKeyId), !key.revoked else { return nil }
        guard SigV4Encoding.constantTimeEquals(key.secretAccessKey, secret) else { return nil }
        let token = Self.random()
        try await self.context.transaction(signalsChange: false) { connection in
            try await connection.query("DELETE FROM console_sessions WHERE expires_at < now()", logger: self.logger)
            try await connection.query(
                """
                INSERT INTO console_sessions (token_sha256, account_id, access_key_id, region, csrf_token, expires_at, absolute_expires_at)
                VALUES (\(Self.digest(token)), \(key.accountId), \(accessKeyId), \(region), \(Self.random()),
                        now() + make_interval(secs => \(Self.lifetimeSeconds)), now() + make_interval(secs => \(self.absoluteLifetimeSeconds)))
                """,
                logger: self.logger
            )
        }
        return token
    }

    /// The live session of a cookie token (its expiry moves an hour forward, never past its absolute end), or nil
    /// when there is none, it ended, its key was revoked or its region is no longer served.
    public func session(token: String?) async throws -> ConsoleSession? {
        guard let token, token.utf8.count == 64 else { return nil }
        for try await (account, region, csrf) in try await self.context.client.query(
            """
            UPDATE console_sessions s SET expires_at = least(now() + make_interval(secs => \(Self.lifetimeSeconds)), s.absolute_expires_at)
            WHERE s.token_sha256 = \(Self.digest(token)) AND s.expires_at > now() AND s.absolute_expires_at > now()
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

    public func signOut(token: String?) async throws {
        guard let token else { return }
        try await self.context.client.query("DELETE FROM console_sessions WHERE token_sha256 = \(Self.digest(token))", logger: self.logger)
    }
}
