import Crypto
import Foundation
import GuardDutyModel
import SigV4

/// Console sessions in PostgreSQL (shared by replicas): a random 256-bit token in an HttpOnly, SameSite=Strict
/// cookie; the table holds its SHA-256, the account, the access key it signed in with, region, CSRF token and two
/// ends: one hour without use (sliding) and an absolute lifetime (12 hours by default). A session is refused once
/// its key is revoked or its region is no longer served.
public struct ConsoleSessions: Sendable {
    let context: PostgresStoreContext
    var store: PostgresConsoleSessionStore { PostgresConsoleSessionStore(context: self.context) }
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
        try await self.store.insert(
            tokenDigest: Self.digest(token), accountId: key.accountId, accessKeyId: accessKeyId, region: region, csrfToken: Self.random(),
            lifetimeSeconds: Self.lifetimeSeconds, absoluteLifetimeSeconds: self.absoluteLifetimeSeconds
        )
        return token
    }

    /// The live session of a cookie token (its expiry moves an hour forward, never past its absolute end), or nil
    /// when there is none, it ended, its key was revoked or its region is no longer served.
    public func session(token: String?) async throws -> ConsoleSession? {
        guard let token, token.utf8.count == 64 else { return nil }
        return try await self.store.touch(tokenDigest: Self.digest(token), lifetimeSeconds: Self.lifetimeSeconds)
    }

    public func signOut(token: String?) async throws {
        guard let token else { return }
        try await self.store.delete(tokenDigest: Self.digest(token))
    }
}
