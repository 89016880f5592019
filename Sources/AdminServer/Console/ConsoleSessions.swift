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
/// cookie; the table holds its SHA-256, the account, region, CSRF token and expiry (one hour, sliding).
public struct ConsoleSessions: Sendable {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }
    public static let lifetimeSeconds = 3600

    public init(context: PostgresStoreContext) {
        self.context = context
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
                INSERT INTO console_sessions (token_sha256, account_id, region, csrf_token, expires_at)
                VALUES (\(Self.digest(token)), \(key.accountId), \(region), \(Self.random()), now() + make_interval(secs => \(Self.lifetimeSeconds)))
                """,
                logger: self.logger
            )
        }
        return token
    }

    /// The live session of a cookie token (its expiry moves an hour forward), or nil.
    public func session(token: String?) async throws -> ConsoleSession? {
        guard let token, token.utf8.count == 64 else { return nil }
        for try await (account, region, csrf) in try await self.context.client.query(
            """
            UPDATE console_sessions SET expires_at = now() + make_interval(secs => \(Self.lifetimeSeconds))
            WHERE token_sha256 = \(Self.digest(token)) AND expires_at > now()
            RETURNING account_id, region, csrf_token
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
