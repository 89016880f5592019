import Crypto
import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Accounts and access keys in PostgreSQL; secrets sealed with the server key.
public struct PostgresAccountStore: AccountStore {
    let context: PostgresStoreContext

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    public func createAccount(accountId: String, email: String, name: String?, organizationManagement: Bool) async throws -> IssuedAccessKey {
        try Validate.accountId(accountId, field: "account ID")
        try Validate.email(email, accountId: accountId)
        let key = Self.newKey(accountId: accountId)
        let sealed = try self.context.secrets.seal(key.secretAccessKey)
        let logger = self.context.logger
        do {
            try await self.context.transaction { connection in
                try await connection.query(
                    """
                    INSERT INTO accounts (account_id, email, name, organization_management)
                    VALUES (\(accountId), \(email), \(name), \(organizationManagement))
                    """,
                    logger: logger
                ).consume()
                try await connection.query(
                    "INSERT INTO access_keys (access_key_id, account_id, secret_ciphertext) VALUES (\(key.accessKeyId), \(accountId), \(ByteBuffer(bytes: sealed)))",
                    logger: logger
                ).consume()
                try await connection.applyAutoEnableToNewAccount(accountId, isManagement: organizationManagement, logger: logger)
            }
        } catch StoreError.conflict {
            throw StoreError.conflict(
                organizationManagement
                    ? "account \(accountId) already exists, or the organisation already has a management account"
                    : "account \(accountId) already exists"
            )
        }
        return key
    }

    public func createAccessKey(accountId: String) async throws -> IssuedAccessKey {
        let key = Self.newKey(accountId: accountId)
        let sealed = try self.context.secrets.seal(key.secretAccessKey)
        let logger = self.context.logger
        try await self.context.transaction { connection in
            guard try await connection.accountExists(accountId, logger: logger) else {
                throw StoreError.notFound("account \(accountId) does not exist")
            }
            try await connection.query(
                "INSERT INTO access_keys (access_key_id, account_id, secret_ciphertext) VALUES (\(key.accessKeyId), \(accountId), \(ByteBuffer(bytes: sealed)))",
                logger: logger
            ).consume()
        }
        return key
    }

    public func revokeAccessKey(accessKeyId: String) async throws {
        let logger = self.context.logger
        try await self.context.transaction { connection in
            var found = false
            for try await _ in try await connection.query(
                """
                UPDATE access_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE access_key_id = \(accessKeyId) RETURNING 1
                """,
                logger: logger
            ).decode(Int.self) {
                found = true
            }
            guard found else { throw StoreError.notFound("access key \(accessKeyId) does not exist") }
            try await connection.query("SELECT pg_notify('guardpost_changes', 'key:' || \(accessKeyId))", logger: logger).consume()
        }
    }

    public func listAccounts() async throws -> [AccountSummary] {
        var accounts: [AccountSummary] = []
        for try await row in try await self.context.client.query(
            """
            SELECT a.account_id, a.email, a.name, a.organization_management,
                   COALESCE(string_agg(k.access_key_id, ',' ORDER BY k.created_at) FILTER (WHERE k.revoked_at IS NULL), '')
            FROM accounts a LEFT JOIN access_keys k ON k.account_id = a.account_id
            GROUP BY a.account_id ORDER BY a.account_id
            """,
            logger: self.context.logger
        ).decode((String, String, String?, Bool, String).self) {
            accounts.append(
                AccountSummary(
                    accountId: row.0, email: row.1, name: row.2, organizationManagement: row.3,
                    activeAccessKeyIds: row.4.split(separator: ",").map(String.init)
                ))
        }
        return accounts
    }

    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        for try await row in try await self.context.client.query(
            """
            SELECT k.access_key_id, k.account_id, k.secret_ciphertext, a.organization_management, k.revoked_at IS NOT NULL
            FROM access_keys k JOIN accounts a ON a.account_id = k.account_id WHERE k.access_key_id = \(id)
            """,
            logger: self.context.logger
        ).decode((String, String, ByteBuffer, Bool, Bool).self) {
            let secret = try self.context.secrets.open(Array(buffer: row.2))
            return AccessKeyRecord(accessKeyId: row.0, accountId: row.1, secretAccessKey: secret, isOrganizationManagement: row.3, revoked: row.4)
        }
        return nil
    }

    /// Access key ids look like AWS's (`AKIA` + 16 upper-case letters and digits); secrets are 40 base64 characters.
    static func newKey(accountId: String) -> IssuedAccessKey {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        let id = "AKIA" + String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let secretBytes = (0..<30).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = Data(secretBytes).base64EncodedString().replacingOccurrences(of: "+", with: "A").replacingOccurrences(of: "/", with: "B")
        return IssuedAccessKey(accountId: accountId, accessKeyId: id, secretAccessKey: secret)
    }
}
