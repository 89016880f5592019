import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Lists in PostgreSQL (who may manage them and their limits: `ListRules`). Content is content-addressed in
/// `list_contents` and swapped in by one UPDATE, so the old content stays in force until the new one is complete.
public struct PostgresListStore: ListStore {
    let context: PostgresStoreContext
    /// Wakes the activator when a list starts activating.
    let activationRequested: @Sendable () -> Void

    public init(context: PostgresStoreContext, activationRequested: @escaping @Sendable () -> Void = {}) {
        self.context = context
        self.activationRequested = activationRequested
    }

    var logger: Logger { self.context.logger }

    /// Members cannot manage lists: their administrator's are in force for them.
    private func requireManager(_ connection: PostgresConnection, _ caller: Caller) async throws {
        let administrator = try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger)
        try ListRules.requireManager(administrator: administrator)
    }

    public func createList(caller: Caller, detectorId: String, kind: ListKind, request: CreateListRequest) async throws -> String {
        try Validate.list(name: request.name, location: request.location, expectedBucketOwner: request.expectedBucketOwner)
        try Validate.clientToken(request.clientToken)
        if let tags = request.tags { try Validate.tags(tags) }
        let id = try await self.context.transaction { connection -> String in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            try await self.requireManager(connection, caller)
            try await connection.requireS3Grant(
                account: caller.accountId, location: request.location, purpose: "read lists from", logger: self.logger)
            if let token = request.clientToken, !token.isEmpty {
                for try await (existing) in try await connection.query(
                    "SELECT list_id FROM lists WHERE detector_id = \(detectorId) AND kind = \(kind.rawValue) AND client_token = \(token)",
                    logger: self.logger
                ).decode(String.self) {
                    return existing
                }
            }
            var count = 0
            for try await (value) in try await connection.query(
                "SELECT count(*) FROM lists WHERE detector_id = \(detectorId) AND kind = \(kind.rawValue)", logger: self.logger
            ).decode(Int.self) {
                count = value
            }
            try ListRules.roomForAnother(kind, count: count)
            let id = PostgresStoreContext.newIdentifier()
            let status = request.activate ? ListStatus.activating : .inactive
            let activationId: String? = request.activate ? PostgresStoreContext.newIdentifier() : nil
            do {
                try await connection.query(
                    """
                    INSERT INTO lists (list_id, kind, account_id, region, detector_id, name, format, location, expected_bucket_owner,
                                       status, tags, client_token, activation_id)
                    VALUES (\(id), \(kind.rawValue), \(caller.accountId), \(caller.region), \(detectorId), \(request.name),
                            \(request.format.rawValue), \(request.location), \(request.expectedBucketOwner), \(status.rawValue),
                            \(PostgresStoreContext.encodeJSON(request.tags ?? [:]))::jsonb, \(request.clientToken), \(activationId))
                    """,
                    logger: self.logger
                ).consume()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw ListRules.nameTaken(kind, name: request.name)
            }
            return id
        }
        if request.activate { self.activationRequested() }
        return id
    }

    /// A row of `lists` as Get answers it.
    private typealias ListTuple = (String, String, String, String, String, String?, String, String?, Double, Double, String, String)

    public func getList(caller: Caller, detectorId: String, kind: ListKind, listId: String) async throws -> GetListResponse {
        try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            let owner =
                try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger) ?? caller.accountId
            for try await row in try await connection.query(
                """
                SELECT name, format, location, status, tags::text, expected_bucket_owner, account_id, error_details,
                       extract(epoch from created_at)::float8, extract(epoch from updated_at)::float8, region, kind
                FROM lists WHERE list_id = \(listId)
                """,
                logger: self.logger
            ).decode(ListTuple.self) where row.6 == owner && row.10 == caller.region && row.11 == kind.rawValue {
                return GetListResponse(
                    name: row.0, format: ListFileFormat(rawValue: row.1) ?? .txt, location: row.2, status: ListStatus(rawValue: row.3) ?? .error,
                    tags: try PostgresStoreContext.decodeJSON([String: String].self, row.4), expectedBucketOwner: row.5,
                    createdAt: row.8, updatedAt: row.9, errorDetails: row.7
                )
            }
            throw ListRules.notFound(kind, listId: listId)
        }
    }

    /// The caller's own list, locked, or the error GuardDuty gives.
    private func ownedList(_ connection: PostgresConnection, caller: Caller, detectorId: String, kind: ListKind, listId: String) async throws {
        var found = false
        for try await _ in try await connection.query(
            """
            SELECT 1 FROM lists WHERE list_id = \(listId) AND detector_id = \(detectorId) AND kind = \(kind.rawValue) FOR UPDATE
            """,
            logger: self.logger
        ).decode(Int.self) {
            found = true
        }
        guard found else {
            throw ListRules.notFound(kind, listId: listId)
        }
    }

    public func updateList(caller: Caller, detectorId: String, kind: ListKind, listId: String, request: UpdateListRequest) async throws {
        try Validate.list(name: request.name, location: request.location, expectedBucketOwner: request.expectedBucketOwner)
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            try await self.requireManager(connection, caller)
            try await self.ownedList(connection, caller: caller, detectorId: detectorId, kind: kind, listId: listId)
            try await connection.requireS3Grant(
                account: caller.accountId, location: request.location, purpose: "read lists from", logger: self.logger)
            do {
                try await connection.query(
                    """
                    UPDATE lists SET name = COALESCE(\(request.name), name), location = COALESCE(\(request.location), location),
                           expected_bucket_owner = COALESCE(\(request.expectedBucketOwner), expected_bucket_owner), updated_at = now()
                    WHERE list_id = \(listId)
                    """,
                    logger: self.logger
                ).consume()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw ListRules.renameTaken(kind)
            }
            switch request.activate {
            case true?:
                // Re-activating re-reads the location; the content in force stays until the new one is stored.
                try await connection.query(
                    """
                    UPDATE lists SET status = 'ACTIVATING', activation_id = \(PostgresStoreContext.newIdentifier()), claimed_until = NULL, activation_attempts = 0,
                           error_details = NULL
                    WHERE list_id = \(listId)
                    """,
                    logger: self.logger
                ).consume()
            case false?:
                try await connection.query(
                    "UPDATE lists SET status = 'INACTIVE', activation_id = NULL, claimed_until = NULL WHERE list_id = \(listId)",
                    logger: self.logger
                ).consume()
                try await connection.bumpConfigVersion(
                    accounts: try await connection.accountAndAssociatedMembers(caller.accountId, region: caller.region, logger: self.logger),
                    region: caller.region,
                    logger: self.logger
                )
            case nil:
                break
            }
        }
        if request.activate == true { self.activationRequested() }
    }

    public func deleteList(caller: Caller, detectorId: String, kind: ListKind, listId: String) async throws {
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            try await self.requireManager(connection, caller)
            try await self.ownedList(connection, caller: caller, detectorId: detectorId, kind: kind, listId: listId)
            try await connection.query("DELETE FROM lists WHERE list_id = \(listId)", logger: self.logger).consume()
            try await connection.bumpConfigVersion(
                accounts: try await connection.accountAndAssociatedMembers(caller.accountId, region: caller.region, logger: self.logger),
                region: caller.region,
                logger: self.logger
            )
        }
    }

    public func listLists(caller: Caller, detectorId: String, kind: ListKind, maxResults: Int, nextToken: String?) async throws -> Page<String> {
        let after = try PageToken.decode(nextToken) ?? ""
        return try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            let owner =
                try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger) ?? caller.accountId
            var ids: [String] = []
            for try await (id) in try await connection.query(
                """
                SELECT list_id FROM lists WHERE account_id = \(owner) AND region = \(caller.region) AND kind = \(kind.rawValue)
                  AND list_id > \(after) ORDER BY list_id LIMIT \(maxResults + 1)
                """,
                logger: self.logger
            ).decode(String.self) {
                ids.append(id)
            }
            let more = ids.count > maxResults
            ids = Array(ids.prefix(maxResults))
            return Page(items: ids, nextToken: more ? ids.last.map(PageToken.encode) : nil)
        }
    }

    public func claimActivation(leaseSeconds: Int) async throws -> ListActivationJob? {
        try await self.context.transaction(signalsChange: false) { connection in
            // Claims are serialised (they are rare and quick), so two workers cannot both take a list of one account.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('guardpost:list-claims'))", logger: self.logger).consume()
            for try await row in try await connection.query(
                """
                UPDATE lists SET claimed_until = now() + make_interval(secs => \(leaseSeconds)), activation_attempts = activation_attempts + 1
                WHERE list_id = (
                    SELECT l.list_id FROM lists l
                    WHERE l.status = 'ACTIVATING' AND (l.claimed_until IS NULL OR l.claimed_until < now())
                      AND NOT EXISTS (
                        SELECT 1 FROM lists o WHERE o.account_id = l.account_id AND o.status = 'ACTIVATING' AND o.claimed_until >= now())
                    ORDER BY l.updated_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING list_id, kind, format, location, expected_bucket_owner, activation_id, account_id, activation_attempts
                """,
                logger: self.logger
            ).decode((String, String, String, String, String?, String?, String, Int).self) {
                guard let kind = ListKind(rawValue: row.1), let format = ListFileFormat(rawValue: row.2), let activationId = row.5 else { return nil }
                return ListActivationJob(
                    listId: row.0, kind: kind, format: format, location: row.3, expectedBucketOwner: row.4, activationId: activationId,
                    accountId: row.6,
                    attempt: row.7
                )
            }
            return nil
        }
    }

    public func s3BucketGranted(account: String, bucket: String) async throws -> Bool {
        try await self.context.client.withConnection { connection in
            try await connection.s3BucketGranted(account: account, bucket: bucket, logger: self.logger)
        }
    }

    public func finishActivation(_ job: ListActivationJob, outcome: ListActivationOutcome) async throws {
        try await self.context.transaction { connection in
            var owner: (String, String)?
            switch outcome {
            case .content(let body, let sha256, let entryCount, let malformedCount, let details):
                try await connection.query(
                    """
                    INSERT INTO list_contents (sha256, body, entry_count) VALUES (\(sha256), \(body), \(entryCount))
                    ON CONFLICT (sha256) DO NOTHING
                    """,
                    logger: self.logger
                ).consume()
                for try await row in try await connection.query(
                    """
                    UPDATE lists SET status = 'ACTIVE', content_sha256 = \(sha256), entry_count = \(entryCount),
                           malformed_count = \(malformedCount), error_details = \(details), claimed_until = NULL, updated_at = now()
                    WHERE list_id = \(job.listId) AND activation_id = \(job.activationId) AND status = 'ACTIVATING'
                    RETURNING account_id, region
                    """,
                    logger: self.logger
                ).decode((String, String).self) {
                    owner = row
                }
            case .failed(let message):
                for try await row in try await connection.query(
                    """
                    UPDATE lists SET status = 'ERROR', error_details = \(message), claimed_until = NULL, updated_at = now()
                    WHERE list_id = \(job.listId) AND activation_id = \(job.activationId) AND status = 'ACTIVATING'
                    RETURNING account_id, region
                    """,
                    logger: self.logger
                ).decode((String, String).self) {
                    owner = row
                }
            }
            if let (account, region) = owner {
                try await connection.bumpConfigVersion(
                    accounts: try await connection.accountAndAssociatedMembers(account, region: region, logger: self.logger), region: region,
                    logger: self.logger
                )
            }
        }
    }

    public func listContent(sha256: String) async throws -> String? {
        for try await (body) in try await self.context.client.query(
            "SELECT body FROM list_contents WHERE sha256 = \(sha256)", logger: self.logger
        ).decode(String.self) {
            return body
        }
        return nil
    }
}
