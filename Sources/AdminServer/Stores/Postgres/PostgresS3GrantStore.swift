import Foundation
import Logging
import PostgresNIO

/// The operator's S3 grants (`guardpost-admin s3 allow|list|remove`). Without a grant, an account's list locations
/// and publishing destinations in a bucket are refused before any request is made with the server's credentials.
public struct PostgresS3GrantStore: Sendable {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    public func allow(accountId: String, bucket: String) async throws {
        if let problem = S3Location.problem(bucket: bucket, key: nil) { throw StoreError.invalid(problem) }
        try await self.context.transaction(signalsChange: false) { connection in
            guard try await connection.accountExists(accountId, logger: self.logger) else {
                throw StoreError.notFound("account \(accountId) does not exist")
            }
            try await connection.query(
                "INSERT INTO s3_bucket_grants (account_id, bucket) VALUES (\(accountId), \(bucket)) ON CONFLICT DO NOTHING", logger: self.logger
            ).consume()
        }
    }

    public func remove(accountId: String, bucket: String) async throws {
        var found = false
        for try await _ in try await self.context.client.query(
            "DELETE FROM s3_bucket_grants WHERE account_id = \(accountId) AND bucket = \(bucket) RETURNING 1", logger: self.logger
        ).decode(Int.self) {
            found = true
        }
        guard found else { throw StoreError.notFound("account \(accountId) has no grant for bucket \(bucket)") }
    }

    public func list(accountId: String? = nil) async throws -> [S3BucketGrant] {
        var grants: [S3BucketGrant] = []
        for try await (account, bucket) in try await self.context.client.query(
            """
            SELECT account_id, bucket FROM s3_bucket_grants WHERE \(accountId)::text IS NULL OR account_id = \(accountId)
            ORDER BY account_id, bucket
            """,
            logger: self.logger
        ).decode((String, String).self) {
            grants.append(S3BucketGrant(accountId: account, bucket: bucket))
        }
        return grants
    }
}
