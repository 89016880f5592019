import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Findings and filters in PostgreSQL (`findings`, partitioned by week; `filters`).
///
/// Visibility follows GuardDuty: an account sees its own findings; an administrator also sees those of its
/// Enabled members in the region. Only an account without an administrator archives findings and creates
/// suppression rules (`DetectorAccess`). What a batch may hold is `FindingLimits`; this type loads and saves.
/// Split by concern: ingest here, `+Queries` (list, get, statistics), `+Changes` (archive, feedback, samples),
/// `+Filters`.
public struct PostgresFindingStore: FindingStore {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    // MARK: ingest

    public func ingest(caller: Caller, detectorId: String, findings: [FindingHeader], documents: [String]) async throws -> IngestSummary {
        guard documents.count == findings.count else { throw StoreError.invalid("one document per finding") }
        let kept = try FindingLimits.ingestBatch(findings, accountId: caller.accountId, region: caller.region, detectorId: detectorId)
        let latest = kept.map { findings[$0] }
        let given = kept.map { documents[$0] }
        // Concurrent batches of one account lock the rollup keys they share, each statement in key order; a batch
        // that inserts and updates locks two such sets, and two of those can still deadlock (or race on a new
        // finding's first row). PostgreSQL aborts one; a batch is idempotent, so it is simply run again.
        for attempt in 1... {
            do {
                return try await self.context.transaction(signalsChange: false) { connection in
                    _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
                    return try await self.upsert(connection, caller: caller, findings: latest, documents: given)
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState]?.hasPrefix("22") == true {
                // A document PostgreSQL's jsonb refuses although JSONDecoder took it (an unpaired surrogate escape, a
                // number beyond numeric's range): the agent's mistake, not a reason to send the batch again forever.
                throw GuardDutyError.badRequest(
                    "The request is rejected because PostgreSQL cannot store a finding of it as JSON (\(error.serverInfo?[.message]?.prefix(120) ?? "")). "
                        + "Nothing in the batch was stored.")
            } catch StoreError.conflict(let reason) {
                guard attempt < Self.ingestAttempts else {
                    // A 500, not a 400: the agent keeps the batch and sends it again, instead of setting it aside as refused.
                    self.logger.warning("findings batch kept conflicting with concurrent ones", metadata: ["reason": "\(reason)"])
                    throw GuardDutyError.internalError()
                }
                self.logger.debug("findings batch conflicted with a concurrent one; running it again", metadata: ["reason": "\(reason)"])
            }
        }
        fatalError("unreachable")
    }

    /// How many times a batch that conflicted with a concurrent one is run before the agent is told to send it again.
    static let ingestAttempts = 5

    /// The upsert itself; `findings` hold distinct ids of one account and region, `documents` the JSON of each.
    func upsert(_ connection: PostgresConnection, caller: Caller, findings: [FindingHeader], documents: [String]) async throws -> IngestSummary {
        guard !findings.isEmpty else { return IngestSummary() }
        var ids: [String] = []
        var types: [String] = []
        var severities: [Double] = []
        var counts: [Int] = []
        var created: [String] = []
        var updated: [String] = []
        var firstSeen: [String] = []
        var lastSeen: [String] = []
        var resourceTypes: [String] = []
        var resourceIds: [String] = []
        var remoteIPs: [String] = []
        var samples: [Bool] = []
        var clean: [Bool] = []
        for (finding, document) in zip(findings, documents) {
            ids.append(finding.id)
            types.append(finding.type)
            severities.append(finding.severity)
            counts.append(finding.count)
            created.append(finding.createdAt)
            updated.append(finding.updatedAt)
            firstSeen.append(finding.eventFirstSeen)
            lastSeen.append(finding.eventLastSeen)
            resourceTypes.append(finding.resourceType)
            resourceIds.append(finding.resourceId ?? "")
            remoteIPs.append(finding.remoteIP ?? "")
            let containsNUL =
                document.utf8.withContiguousStorageIfAvailable { [UInt8].containsNULEscape(in: $0) } ?? Array(document.utf8).containsNULEscape
            try FindingLimits.document(byteCount: document.utf8.count, findingId: finding.id, containsNUL: containsNUL)
            samples.append(finding.sample)
            // A new finding is stored unarchived and without feedback: the document as it came when it says so (an
            // agent's always does), else with those overlaid by the statement.
            clean.append(!finding.archived && !finding.hasUserFeedback)
        }
        // Planned for every batch, not prepared: a cached generic plan made while the week's partition was empty (or
        // unanalysed) keeps scanning it sequentially once it holds tens of thousands of rows (0.1x psql, measured).
        var builder = SQLBuilder()
        let account = try builder.bind(caller.accountId)
        let region = try builder.bind(caller.region)
        let detector = try builder.bind(findings[0].detectorId)
        builder.sql = """
            WITH incoming AS (
                SELECT * FROM unnest(\(try builder.bind(ids))::text[], \(try builder.bind(types))::text[], \(try builder.bind(severities))::float8[],
                                     \(try builder.bind(counts))::bigint[], \(try builder.bind(created))::timestamptz[], \(try builder.bind(updated))::timestamptz[],
                                     \(try builder.bind(firstSeen))::timestamptz[], \(try builder.bind(lastSeen))::timestamptz[],
                                     \(try builder.bind(resourceTypes))::text[], \(try builder.bind(resourceIds))::text[], \(try builder.bind(remoteIPs))::text[],
                                     \(try builder.bind(documents))::text[], \(try builder.bind(samples))::bool[], \(try builder.bind(clean))::bool[])
                    AS t(finding_id, type, severity, count, created_at, updated_at, first_seen, last_seen, resource_type, resource_id, remote_ip, document, sample,
                         clean)
            ), located AS (
                SELECT i.*, f.created_week AS existing_week,
                       coalesce(f.created_week, date_trunc('week', now() AT TIME ZONE 'UTC')::date) AS created_week
                FROM incoming i
                LEFT JOIN findings f ON f.account_id = \(account) AND f.region = \(region) AND f.finding_id = i.finding_id
            ), upserted AS (
                INSERT INTO findings AS f (created_week, account_id, region, finding_id, detector_id, type, severity, count, created_at, updated_at,
                                           event_first_seen, event_last_seen, resource_type, resource_id, remote_ip, finding, sample)
                SELECT created_week, \(account), \(region), finding_id, \(detector), type, severity, count, created_at, updated_at,
                       first_seen, last_seen, resource_type, nullif(resource_id, ''), nullif(remote_ip, ''),
                       CASE WHEN clean THEN document::jsonb
                            ELSE jsonb_set(document::jsonb #- '{service,userFeedback}', '{service,archived}', 'false') END, sample
                FROM located
                ON CONFLICT (account_id, region, finding_id, created_week) DO UPDATE SET
                    type = EXCLUDED.type, severity = EXCLUDED.severity, count = EXCLUDED.count, updated_at = EXCLUDED.updated_at,
                    event_first_seen = least(f.event_first_seen, EXCLUDED.event_first_seen),
                    event_last_seen = greatest(f.event_last_seen, EXCLUDED.event_last_seen),
                    resource_type = EXCLUDED.resource_type, resource_id = EXCLUDED.resource_id, remote_ip = EXCLUDED.remote_ip,
                    finding = jsonb_set(EXCLUDED.finding, '{createdAt}', f.finding -> 'createdAt'),
                    -- New occurrences bring a manually archived finding back; a suppressed one stays archived.
                    archived = f.suppressed, stored_at = now()
                WHERE (EXCLUDED.updated_at, EXCLUDED.count) > (f.updated_at, f.count)
                RETURNING finding_id
            )
            SELECT l.finding_id, l.existing_week IS NULL FROM located l JOIN upserted u USING (finding_id)
            """
        var newIds: [String] = []
        var movedIds: [String] = []
        var summary = IngestSummary()
        for try await (id, isNew) in try await connection.query(builder.query, logger: self.logger).decode((String, Bool).self) {
            if isNew { newIds.append(id) } else { summary.updated += 1 }
            movedIds.append(id)
        }
        summary.created = newIds.count
        summary.unchanged = findings.count - summary.created - summary.updated
        guard !movedIds.isEmpty else { return summary }
        return try await self.suppressAndNotify(connection, caller: caller, newIds: newIds, movedIds: movedIds, summary: summary)
    }

    /// After an upsert: the suppression rules in force apply to new findings, and every new or moved finding is an
    /// event for the owners' webhooks and destinations, in the same transaction.
    private func suppressAndNotify(
        _ connection: PostgresConnection, caller: Caller, newIds: [String], movedIds: [String], summary: IngestSummary
    ) async throws -> IngestSummary {
        var summary = summary
        // The account and its Enabled administrator: whose suppression rules apply, and who receives the events.
        var owners = [caller.accountId]
        if let admin = try await connection.enabledAdministrator(of: caller.accountId, region: caller.region, logger: self.logger) {
            owners.append(admin)
        }
        if !newIds.isEmpty {
            summary.suppressed = try await self.suppress(connection, region: caller.region, account: caller.accountId, owners: owners, ids: newIds)
        }
        try await connection.enqueueFindingEvents(
            account: caller.accountId, region: caller.region, ids: movedIds, receivers: owners, logger: self.logger)
        return summary
    }

    /// Archives (as suppressed) those of `ids` that match an ARCHIVE filter of `owners` (the account, and its
    /// administrator when it is an Enabled member).
    func suppress(_ connection: PostgresConnection, region: String, account: String, owners: [String], ids: [String]) async throws -> Int {
        var criteria: [FindingCriteria] = []
        for try await (text) in try await connection.query(
            """
            SELECT fl.criteria::text FROM filters fl JOIN detectors d ON d.detector_id = fl.detector_id
            WHERE d.account_id = ANY(\(owners)) AND d.region = \(region) AND fl.action = 'ARCHIVE' ORDER BY fl.rank, fl.name
            """,
            logger: self.logger
        ).decode(String.self) {
            criteria.append(try PostgresStoreContext.decodeJSON(FindingCriteria.self, text))
        }
        guard !criteria.isEmpty else { return 0 }
        var builder = SQLBuilder()
        let conditions = try criteria.map { "(" + (try FindingQuery.condition(try $0.terms(allowMatches: true), into: &builder)) + ")" }
        builder.sql = """
            UPDATE findings SET archived = true, suppressed = true
            WHERE account_id = \(try builder.bind(account)) AND region = \(try builder.bind(region))
              AND finding_id = ANY(\(try builder.bind(ids))) AND (\(conditions.joined(separator: " OR ")))
            RETURNING finding_id
            """
        var count = 0
        for try await _ in try await connection.query(builder.query, logger: self.logger).decode(String.self) { count += 1 }
        return count
    }
}
