import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Publishing destinations of type S3: findings of the account (and an administrator's members') are written as
/// gzip JSON lines by `FindingExporter`. What a destination may be is `PublishingDestinationRules`.
public struct PostgresPublishingDestinationStore: Sendable {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    /// `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/prefix/` → (bucket, prefix without surrounding slashes).
    public static func parseArn(_ arn: String?) throws -> (bucket: String, prefix: String) {
        try PublishingDestinationRules.parseArn(arn)
    }

    public func create(caller: Caller, detectorId: String, request: CreatePublishingDestinationRequest) async throws -> String {
        let (bucket, prefix) = try PublishingDestinationRules.create(request)
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            try await connection.requireS3Grant(
                account: caller.accountId, bucket: bucket, key: prefix.isEmpty ? nil : prefix, purpose: "write findings to", logger: self.logger)
            if let token = request.clientToken, !token.isEmpty {
                for try await (existing) in try await connection.query(
                    "SELECT destination_id FROM publishing_destinations WHERE detector_id = \(detectorId) AND client_token = \(token)",
                    logger: self.logger
                ).decode(String.self) {
                    return existing
                }
            }
            var count = 0
            for try await (value) in try await connection.query(
                "SELECT count(*) FROM publishing_destinations WHERE detector_id = \(detectorId)", logger: self.logger
            ).decode(Int.self) { count = value }
            try PublishingDestinationRules.roomForAnother(count: count)
            let id = PostgresStoreContext.newIdentifier()
            try await connection.query(
                """
                INSERT INTO publishing_destinations (destination_id, detector_id, account_id, region, destination_type, destination_arn, kms_key_arn, status, tags, client_token)
                VALUES (\(id), \(detectorId), \(caller.accountId), \(caller.region), 'S3', \(request.destinationProperties?.destinationArn ?? ""),
                        \(request.destinationProperties?.kmsKeyArn), 'PENDING_VERIFICATION', \(PostgresStoreContext.encodeJSON(request.tags ?? [:]))::jsonb, \(request.clientToken))
                """,
                logger: self.logger
            ).consume()
            return id
        }
    }

    public func describe(caller: Caller, detectorId: String, destinationId: String) async throws -> DescribePublishingDestinationResponse {
        try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            for try await row in try await connection.query(
                """
                SELECT destination_id, status, coalesce((extract(epoch from failure_started_at) * 1000)::bigint, 0), destination_arn, kms_key_arn, tags::text
                FROM publishing_destinations WHERE detector_id = \(detectorId) AND destination_id = \(destinationId)
                """,
                logger: self.logger
            ).decode((String, String, Int64, String, String?, String).self) {
                let tags = try PostgresStoreContext.decodeJSON([String: String].self, row.5)
                return DescribePublishingDestinationResponse(
                    destinationId: row.0, destinationType: "S3", status: row.1, publishingFailureStartTimestamp: row.2,
                    destinationProperties: DestinationProperties(destinationArn: row.3, kmsKeyArn: row.4), tags: tags.isEmpty ? nil : tags
                )
            }
            throw PublishingDestinationRules.notFound(destinationId, detectorId: detectorId)
        }
    }

    public func update(caller: Caller, detectorId: String, destinationId: String, properties: DestinationProperties?) async throws {
        if let properties { _ = try Self.parseArn(properties.destinationArn) }
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            _ = try await self.describe(connection: connection, detectorId: detectorId, destinationId: destinationId)
            guard let properties else { return }
            let (bucket, prefix) = try Self.parseArn(properties.destinationArn)
            try await connection.requireS3Grant(
                account: caller.accountId, bucket: bucket, key: prefix.isEmpty ? nil : prefix, purpose: "write findings to", logger: self.logger)
            // New properties are verified again before anything is written there.
            try await connection.query(
                """
                UPDATE publishing_destinations SET destination_arn = \(properties.destinationArn ?? ""), kms_key_arn = \(properties.kmsKeyArn),
                       status = 'PENDING_VERIFICATION', failure_started_at = NULL, last_error = NULL
                WHERE destination_id = \(destinationId)
                """,
                logger: self.logger
            ).consume()
        }
    }

    private func describe(connection: PostgresConnection, detectorId: String, destinationId: String) async throws -> String {
        for try await (id) in try await connection.query(
            "SELECT destination_id FROM publishing_destinations WHERE detector_id = \(detectorId) AND destination_id = \(destinationId) FOR UPDATE",
            logger: self.logger
        ).decode(String.self) {
            return id
        }
        throw PublishingDestinationRules.notFound(destinationId, detectorId: detectorId)
    }

    public func delete(caller: Caller, detectorId: String, destinationId: String) async throws {
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            _ = try await self.describe(connection: connection, detectorId: detectorId, destinationId: destinationId)
            try await connection.query("DELETE FROM publishing_destinations WHERE destination_id = \(destinationId)", logger: self.logger).consume()
        }
    }

    public func list(caller: Caller, detectorId: String, maxResults: Int, nextToken: String?) async throws -> Page<PublishingDestinationSummary> {
        let after = try PageToken.decode(nextToken) ?? ""
        return try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            var items: [PublishingDestinationSummary] = []
            for try await (id, status) in try await connection.query(
                """
                SELECT destination_id, status FROM publishing_destinations WHERE detector_id = \(detectorId) AND destination_id > \(after)
                ORDER BY destination_id LIMIT \(maxResults + 1)
                """,
                logger: self.logger
            ).decode((String, String).self) {
                items.append(PublishingDestinationSummary(destinationId: id, destinationType: "S3", status: status))
            }
            var token: String? = nil
            if items.count > maxResults {
                items.removeLast()
                token = PageToken.encode(items[items.count - 1].destinationId)
            }
            return Page(items: items, nextToken: token)
        }
    }
}
