import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Findings and filters in PostgreSQL (`findings`, partitioned by week; `filters`).
///
/// Visibility follows GuardDuty: an account sees its own findings; an administrator also sees those of its
/// Enabled members in the region. Only an account without an administrator archives findings and creates
/// suppression rules.
public struct PostgresFindingStore: FindingStore {
    let context: PostgresStoreContext
    var logger: Logger { self.context.logger }

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    /// A batch holds at most this many findings (an agent sends at most 500 per request).
    public static let maxBatch = 500

    // MARK: ingest

    public func ingest(caller: Caller, detectorId: String, findings: [Finding]) async throws -> IngestSummary {
        guard findings.count <= Self.maxBatch else {
            throw GuardDutyError.badRequest("The request is rejected because the batch has \(findings.count) findings; at most \(Self.maxBatch) are allowed.")
        }
        // One row per id: the furthest version wins, so a batch with repeats behaves as its last word.
        var latest: [String: Finding] = [:]
        for (index, finding) in findings.enumerated() {
            try Self.validate(finding, index: index, caller: caller, detectorId: detectorId)
            if let existing = latest[finding.id], (existing.updatedAt, existing.service.count) >= (finding.updatedAt, finding.service.count) { continue }
            latest[finding.id] = finding
        }
        return try await self.context.transaction(signalsChange: false) { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            return try await self.upsert(connection, caller: caller, findings: Array(latest.values))
        }
    }

    static func validate(_ finding: Finding, index: Int, caller: Caller, detectorId: String) throws {
        func reject(_ why: String) -> GuardDutyError {
            .badRequest("The request is rejected because finding \(index) (\(finding.id.prefix(64))) \(why); nothing in the batch was stored.")
        }
        guard finding.accountId == caller.accountId else { throw reject("belongs to account \(finding.accountId.prefix(20)), not the caller's") }
        guard finding.region == caller.region else { throw reject("is for region \(finding.region.prefix(30)), not the request's region \(caller.region)") }
        guard finding.service.detectorId == detectorId else { throw reject("names detector \(finding.service.detectorId.prefix(40)), not \(detectorId)") }
        guard (1...300).contains(finding.id.utf8.count), finding.id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || (($0 | 0x20) >= 97 && ($0 | 0x20) <= 122) || $0 == 45 }) else {
            throw reject("has an id that is not 1 to 300 letters, digits or '-'")
        }
        guard FindingCatalog.all[finding.type] != nil else { throw reject("has type '\(finding.type.prefix(80))', which is not in the finding catalogue") }
        guard finding.severity >= 0.1, finding.severity <= 10 else { throw reject("has severity \(finding.severity), outside 0.1 to 10") }
        guard finding.service.count >= 1 else { throw reject("has a count below 1") }
        for (name, value) in [("createdAt", finding.createdAt), ("updatedAt", finding.updatedAt),
                              ("service.eventFirstSeen", finding.service.eventFirstSeen), ("service.eventLastSeen", finding.service.eventLastSeen)] {
            guard Self.isTimestamp(value) else { throw reject("has \(name) '\(value.prefix(40))', which is not an ISO 8601 UTC timestamp") }
        }
        guard finding.arn == "arn:aws:guardduty:\(finding.region):\(finding.accountId):detector/\(detectorId)/finding/\(finding.id)" else {
            throw reject("has an arn that does not name its region, account, detector and id")
        }
        guard finding.resource.resourceType.utf8.count <= 64, finding.title.utf8.count <= 1024, finding.description.utf8.count <= 4096 else {
            throw reject("has a resource type, title or description longer than GuardDuty's")
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff…]Z`, what the agent and GuardDuty write: a real calendar date of years 1–9999 and a
    /// real time of day (a date PostgreSQL refuses would otherwise fail the whole batch).
    static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 30, bytes.last == 90 else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        guard digits.allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 }) else { return false }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58 else { return false }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) } }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        guard year >= 1, (1...12).contains(month), number(11..<13) < 24, number(14..<16) < 60, number(17..<19) < 60 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return false }
        if bytes.count == 20 { return true }
        return bytes[19] == 46 && bytes.count > 21 && bytes[20..<(bytes.count - 1)].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// The largest finding document stored (encoded JSON).
    static let maxDocumentBytes = 64 * 1024

    /// The upsert itself; `findings` hold distinct ids of one account and region.
    func upsert(_ connection: PostgresConnection, caller: Caller, findings: [Finding]) async throws -> IngestSummary {
        guard !findings.isEmpty else { return IngestSummary() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        var ids: [String] = [], types: [String] = [], severities: [Double] = [], counts: [Int] = []
        var created: [String] = [], updated: [String] = [], firstSeen: [String] = [], lastSeen: [String] = []
        var resourceTypes: [String] = [], resourceIds: [String] = [], remoteIPs: [String] = [], documents: [String] = [], samples: [Bool] = []
        for finding in findings {
            var stored = finding
            stored.service.archived = false
            stored.service.userFeedback = nil
            ids.append(finding.id)
            types.append(finding.type)
            severities.append(finding.severity)
            counts.append(finding.service.count)
            created.append(finding.createdAt)
            updated.append(finding.updatedAt)
            firstSeen.append(finding.service.eventFirstSeen)
            lastSeen.append(finding.service.eventLastSeen)
            resourceTypes.append(finding.resource.resourceType)
            resourceIds.append(Self.resourceId(finding) ?? "")
            remoteIPs.append(Self.remoteIP(finding) ?? "")
            let document = try encoder.encode(stored)
            // A finding is a few kilobytes; a bound keeps GetFindings' answers (50 findings) bounded too.
            guard document.count <= Self.maxDocumentBytes else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because finding \(finding.id.prefix(64)) is \(document.count) bytes; at most \(Self.maxDocumentBytes) are allowed. Nothing in the batch was stored."
                )
            }
            // PostgreSQL's text cannot hold NUL; JSON may escape one.
            guard !document.containsNULEscape else {
                throw GuardDutyError.badRequest("The request is rejected because finding \(finding.id.prefix(64)) holds a NUL character. Nothing in the batch was stored.")
            }
            documents.append(String(decoding: document, as: UTF8.self))
            samples.append(finding.service.additionalInfo?.value.contains(#""sample":true"#) ?? false)
        }
        var builder = SQLBuilder()
        let account = try builder.bind(caller.accountId), region = try builder.bind(caller.region)
        let detector = try builder.bind(findings[0].service.detectorId)
        builder.sql = """
            WITH incoming AS (
                SELECT * FROM unnest(\(try builder.bind(ids))::text[], \(try builder.bind(types))::text[], \(try builder.bind(severities))::float8[],
                                     \(try builder.bind(counts))::bigint[], \(try builder.bind(created))::timestamptz[], \(try builder.bind(updated))::timestamptz[],
                                     \(try builder.bind(firstSeen))::timestamptz[], \(try builder.bind(lastSeen))::timestamptz[],
                                     \(try builder.bind(resourceTypes))::text[], \(try builder.bind(resourceIds))::text[], \(try builder.bind(remoteIPs))::text[],
                                     \(try builder.bind(documents))::text[], \(try builder.bind(samples))::bool[])
                    AS t(finding_id, type, severity, count, created_at, updated_at, first_seen, last_seen, resource_type, resource_id, remote_ip, document, sample)
            ), located AS (
                SELECT i.*, f.created_week AS existing_week,
                       coalesce(f.created_week, date_trunc('week', now() AT TIME ZONE 'UTC')::date) AS created_week
                FROM incoming i
                LEFT JOIN findings f ON f.account_id = \(account) AND f.region = \(region) AND f.finding_id = i.finding_id
            ), upserted AS (
                INSERT INTO findings AS f (created_week, account_id, region, finding_id, detector_id, type, severity, count, created_at, updated_at,
                                           event_first_seen, event_last_seen, resource_type, resource_id, remote_ip, finding, sample)
                SELECT created_week, \(account), \(region), finding_id, \(detector), type, severity, count, created_at, updated_at,
                       first_seen, last_seen, resource_type, nullif(resource_id, ''), nullif(remote_ip, ''), document::jsonb, sample
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
        // The account and its Enabled administrator: whose suppression rules apply, and who receives the events.
        var owners = [caller.accountId]
        if let admin = try await connection.enabledAdministrator(of: caller.accountId, region: caller.region, logger: self.logger) { owners.append(admin) }
        if !newIds.isEmpty {
            summary.suppressed = try await self.suppress(connection, region: caller.region, account: caller.accountId, owners: owners, ids: newIds)
        }
        // New findings and updates are events for the owners' webhooks and destinations, in this transaction.
        try await connection.enqueueFindingEvents(account: caller.accountId, region: caller.region, ids: movedIds, receivers: owners, logger: self.logger)
        return summary
    }

    static func resourceId(_ finding: Finding) -> String? {
        finding.resource.instanceDetails?.instanceId ?? finding.resource.accessKeyDetails?.accessKeyId ?? finding.resource.s3BucketDetails?.first?.name
    }

    static func remoteIP(_ finding: Finding) -> String? {
        let action = finding.service.action
        let details = action.networkConnectionAction?.remoteIpDetails ?? action.awsApiCallAction?.remoteIpDetails
            ?? action.portProbeAction?.portProbeDetails.first?.remoteIpDetails
        return details?.ipAddressV4 ?? details?.ipAddressV6
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

    // MARK: reading

    /// The accounts whose findings the caller's detector shows: its own and its Enabled members'.
    func scope(_ connection: PostgresConnection, _ caller: Caller, _ detectorId: String) async throws -> [String] {
        _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
        return [caller.accountId] + (try await connection.enabledMembers(of: caller.accountId, region: caller.region, logger: self.logger))
    }

    /// The stored document with the columns the administrator changes overlaid.
    static let documentColumn = SQL.findingDocument() + "::text"

    public func listFindings(caller: Caller, detectorId: String, request: ListFindingsRequest) async throws -> ListFindingsResponse {
        let maxResults = request.maxResults ?? 50
        guard (1...50).contains(maxResults) else {
            throw GuardDutyError.badRequest("The request is rejected because maxResults \(maxResults) is out of range: it must be from 1 to 50.")
        }
        let terms = try (request.findingCriteria ?? FindingCriteria()).terms(allowMatches: false)
        let sort = try FindingSort(request.sortCriteria)
        let after = try PageToken.decode(request.nextToken)
        return try await self.context.client.withConnection { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            var builder = SQLBuilder()
            var sql = """
                SELECT finding_id, account_id, \(sort.tokenExpression) FROM findings
                WHERE account_id = ANY(\(try builder.bind(accounts))) AND region = \(try builder.bind(caller.region))
                  AND \(try FindingQuery.condition(terms, into: &builder))
                """
            if let after { sql += " AND " + (try sort.after(after, into: &builder)) }
            sql += " ORDER BY \(sort.orderBy) LIMIT \(maxResults + 1)"
            builder.sql = sql
            var rows: [(String, String, String)] = []
            for try await row in try await connection.query(builder.query, logger: self.logger).decode((String, String, String).self) {
                rows.append(row)
            }
            var token: String? = nil
            if rows.count > maxResults {
                rows.removeLast()
                let last = rows[rows.count - 1]
                token = PageToken.encode("\(last.2)\u{1f}\(last.1)\u{1f}\(last.0)")
            }
            return ListFindingsResponse(findingIds: rows.map(\.0), nextToken: token)
        }
    }

    public func getFindings(caller: Caller, detectorId: String, ids: [String], sort criteria: SortCriteria?) async throws -> [String] {
        let sort = try criteria.map { try FindingSort($0) }
        return try await self.context.client.withConnection { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            var builder = SQLBuilder()
            builder.sql = """
                SELECT finding_id, \(Self.documentColumn) FROM findings
                WHERE account_id = ANY(\(try builder.bind(accounts))) AND region = \(try builder.bind(caller.region))
                  AND finding_id = ANY(\(try builder.bind(ids)))
                ORDER BY \(sort?.orderBy ?? "finding_id")
                """
            var documents: [(String, String)] = []
            for try await row in try await connection.query(builder.query, logger: self.logger).decode((String, String).self) {
                documents.append(row)
            }
            guard sort == nil else { return documents.map(\.1) }
            let position = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            return documents.sorted { position[$0.0, default: 0] < position[$1.0, default: 0] }.map(\.1)
        }
    }

    public func statistics(caller: Caller, detectorId: String, request: GetFindingsStatisticsRequest) async throws -> FindingStatistics {
        let terms = try (request.findingCriteria ?? FindingCriteria()).terms(allowMatches: false)
        let legacy = request.findingStatisticTypes ?? []
        for type in legacy where type != "COUNT_BY_SEVERITY" {
            throw GuardDutyError.badRequest("The request is rejected because findingStatisticTypes value '\(type.prefix(40))' is not COUNT_BY_SEVERITY.")
        }
        guard request.groupBy != nil || !legacy.isEmpty else {
            throw GuardDutyError.badRequest("The request is rejected because neither groupBy nor findingStatisticTypes is given.")
        }
        if request.groupBy == nil, request.orderBy != nil || request.maxResults != nil {
            throw GuardDutyError.badRequest("The request is rejected because orderBy and maxResults are valid only with groupBy.")
        }
        let maxResults = request.maxResults ?? 25
        guard (1...100).contains(maxResults) else {
            throw GuardDutyError.badRequest("The request is rejected because maxResults \(maxResults) is out of range: it must be from 1 to 100.")
        }
        let direction: String
        switch request.orderBy ?? "DESC" {
        case "ASC": direction = "ASC"
        case "DESC": direction = "DESC"
        default: throw GuardDutyError.badRequest("The request is rejected because orderBy '\((request.orderBy ?? "").prefix(20))' is not ASC or DESC.")
        }
        // Criteria on the rollup's columns only (and not grouping by resource): count from `finding_stats`, which a
        // trigger keeps per account, week, day, type, severity and archived flag; otherwise count the findings.
        let rolledUp = request.groupBy != "RESOURCE" && terms.allSatisfy { Self.rollupPaths.contains($0.path) }
        let count = rolledUp ? "sum(total)" : "count(*)"
        let last = rolledUp ? "max(last_updated)" : "max(updated_at)"
        let day = rolledUp ? "day::timestamp" : "date_trunc('day', updated_at AT TIME ZONE 'UTC')"
        let having = rolledUp ? "HAVING sum(total) > 0" : ""
        return try await self.context.client.withConnection { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            var builder = SQLBuilder()
            let scope = """
                FROM \(rolledUp ? "finding_stats" : "findings") WHERE account_id = ANY(\(try builder.bind(accounts))) AND region = \(try builder.bind(caller.region))
                  AND \(try FindingQuery.condition(terms, into: &builder))
                """
            var statistics = FindingStatistics()
            if let groupBy = request.groupBy {
                let keys: String
                switch groupBy {
                case "ACCOUNT": keys = "account_id, NULL::text, NULL::text"
                case "DATE": keys = "(extract(epoch from \(day)))::text, NULL::text, NULL::text"
                case "FINDING_TYPE": keys = "type, NULL::text, NULL::text"
                case "RESOURCE": keys = "coalesce(resource_id, ''), resource_type, account_id"
                case "SEVERITY": keys = "severity::text, NULL::text, NULL::text"
                default:
                    throw GuardDutyError.badRequest(
                        "The request is rejected because groupBy '\(groupBy.prefix(40))' is not one of ACCOUNT, DATE, FINDING_TYPE, RESOURCE, SEVERITY."
                    )
                }
                builder.sql = """
                    SELECT \(keys), \(count)::bigint, extract(epoch from \(last))::float8, max(severity) \(scope)
                    GROUP BY 1, 2, 3 \(having) ORDER BY 4 \(direction), 1 LIMIT \(maxResults)
                    """
                var groups: [FindingStatisticsGroup] = []
                for try await (key, second, third, total, last, severity) in try await connection.query(builder.query, logger: self.logger)
                    .decode((String, String?, String?, Int, Double, Double).self)
                {
                    var group = FindingStatisticsGroup(totalFindings: total)
                    group.lastGeneratedAt = last
                    switch groupBy {
                    case "ACCOUNT": group.accountId = key
                    case "DATE":
                        group.date = Double(key)
                        group.severity = severity
                    case "FINDING_TYPE": group.findingType = key
                    case "RESOURCE":
                        group.resourceId = key
                        group.resourceType = second
                        group.accountId = third
                    default: group.severity = Double(key)
                    }
                    groups.append(group)
                }
                switch groupBy {
                case "ACCOUNT": statistics.groupedByAccount = groups
                case "DATE": statistics.groupedByDate = groups
                case "FINDING_TYPE": statistics.groupedByFindingType = groups
                case "RESOURCE": statistics.groupedByResource = groups
                default: statistics.groupedBySeverity = groups
                }
            } else {
                builder.sql = "SELECT severity, \(count)::bigint \(scope) GROUP BY severity \(having)"
                var counts: [String: Int] = [:]
                for try await (severity, count) in try await connection.query(builder.query, logger: self.logger).decode((Double, Int).self) {
                    counts["\(severity)"] = count
                }
                statistics.countBySeverity = counts
            }
            return statistics
        }
    }

    /// Criteria paths the statistics rollup can answer (its columns have the names FindingQuery renders).
    static let rollupPaths: Set<String> = ["accountId", "region", "type", "severity", "service.archived"]

    // MARK: the administrator's changes

    /// Members' findings are archived (and suppression rules made) by their administrator, never by themselves.
    func requireAdministrator(_ connection: PostgresConnection, _ caller: Caller, doing what: String) async throws {
        if let admin = try await connection.enabledAdministrator(of: caller.accountId, region: caller.region, logger: self.logger) {
            throw GuardDutyError.badRequest(
                "The request is rejected because the current account is a member of administrator account \(admin); only the administrator account can \(what)."
            )
        }
    }

    public func setArchived(caller: Caller, detectorId: String, ids: [String], archived: Bool) async throws {
        try await self.context.transaction(signalsChange: false) { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            try await self.requireAdministrator(connection, caller, doing: archived ? "archive findings" : "unarchive findings")
            try await connection.query(
                """
                UPDATE findings SET archived = \(archived), suppressed = false
                WHERE account_id = ANY(\(accounts)) AND region = \(caller.region) AND finding_id = ANY(\(ids))
                """,
                logger: self.logger
            )
        }
    }

    public func setFeedback(caller: Caller, detectorId: String, ids: [String], feedback: String) async throws {
        guard feedback == "USEFUL" || feedback == "NOT_USEFUL" else {
            throw GuardDutyError.badRequest("The request is rejected because feedback '\(feedback.prefix(20))' is not USEFUL or NOT_USEFUL.")
        }
        try await self.context.transaction(signalsChange: false) { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            try await connection.query(
                """
                UPDATE findings SET feedback = \(feedback)
                WHERE account_id = ANY(\(accounts)) AND region = \(caller.region) AND finding_id = ANY(\(ids))
                """,
                logger: self.logger
            )
        }
    }

    public func createSampleFindings(caller: Caller, detectorId: String, types: [String]?) async throws {
        let chosen: [FindingTypeInfo]
        if let types, !types.isEmpty {
            guard types.count <= 50 else {
                throw GuardDutyError.badRequest("The request is rejected because findingTypes lists \(types.count) types; at most 50 are allowed.")
            }
            chosen = try types.map { type in
                guard let info = FindingCatalog.all[type] else {
                    throw GuardDutyError.badRequest("The request is rejected because '\(type.prefix(80))' is not a finding type Guardpost generates.")
                }
                return info
            }
        } else {
            chosen = FindingCatalog.all.values.sorted { $0.type < $1.type }
        }
        let now = Self.isoNow()
        let samples = chosen.map { info in
            SampleFindings.make(
                type: info, id: PostgresStoreContext.newIdentifier(), accountId: caller.accountId, region: caller.region, detectorId: detectorId, now: now
            )
        }
        _ = try await self.context.transaction(signalsChange: false) { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            return try await self.upsert(connection, caller: caller, findings: samples)
        }
    }

    static func isoNow() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    // MARK: filters

    static let maxFilters = 100

    public func createFilter(caller: Caller, detectorId: String, request: FilterRequest) async throws -> String {
        let name = try Validate.filterName(request.name)
        let (action, criteria) = try Self.validateFilter(request, creating: true)
        if let tags = request.tags { try Validate.tags(tags) }
        try Validate.clientToken(request.clientToken)
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            if action == "ARCHIVE" { try await self.requireAdministrator(connection, caller, doing: "create suppression rules") }
            if let token = request.clientToken, !token.isEmpty {
                for try await (existing) in try await connection.query(
                    "SELECT name FROM filters WHERE detector_id = \(detectorId) AND client_token = \(token)", logger: self.logger
                ).decode(String.self) {
                    return existing
                }
            }
            var count = 0
            for try await (value) in try await connection.query("SELECT count(*) FROM filters WHERE detector_id = \(detectorId)", logger: self.logger).decode(Int.self) {
                count = value
            }
            guard count < Self.maxFilters else {
                throw GuardDutyError.badRequest("The request is rejected because the detector already has \(count) filters; at most \(Self.maxFilters) are allowed.")
            }
            let rank = request.rank ?? min(count + 1, 100)
            do {
                try await connection.query(
                    """
                    INSERT INTO filters (detector_id, name, description, action, rank, criteria, tags, client_token)
                    VALUES (\(detectorId), \(name), \(request.description ?? ""), \(action), \(rank), \(PostgresStoreContext.encodeJSON(criteria))::jsonb,
                            \(PostgresStoreContext.encodeJSON(request.tags ?? [:]))::jsonb, \(request.clientToken))
                    """,
                    logger: self.logger
                )
            } catch {
                if case StoreError.conflict = PostgresStoreContext.translate(error) {
                    throw GuardDutyError.badRequest("The request is rejected because a filter named \(name) already exists for this detector.")
                }
                throw error
            }
            if action == "ARCHIVE" { try await self.archiveMatching(connection, caller: caller, criteria: criteria) }
            return name
        }
    }

    static func validateFilter(_ request: FilterRequest, creating: Bool) throws -> (String?, FindingCriteria?) {
        if let description = request.description, description.count > 512 {
            throw GuardDutyError.badRequest("The request is rejected because the filter description is longer than 512 characters.")
        }
        if let rank = request.rank, !(1...100).contains(rank) {
            throw GuardDutyError.badRequest("The request is rejected because rank \(rank) is out of range: it must be from 1 to 100.")
        }
        let action = request.action ?? (creating ? "NOOP" : nil)
        if let action, action != "NOOP", action != "ARCHIVE" {
            throw GuardDutyError.badRequest("The request is rejected because action '\(action.prefix(20))' is not NOOP or ARCHIVE.")
        }
        if creating, request.findingCriteria?.criterion?.isEmpty ?? true {
            throw GuardDutyError.badRequest("The request is rejected because findingCriteria must have at least one criterion.")
        }
        if let criteria = request.findingCriteria {
            var builder = SQLBuilder()
            _ = try FindingQuery.condition(try criteria.terms(allowMatches: true), into: &builder)
        }
        return (action, request.findingCriteria)
    }

    /// A new or changed suppression rule archives the findings it matches now, in the administrator's whole scope.
    private func archiveMatching(_ connection: PostgresConnection, caller: Caller, criteria: FindingCriteria?) async throws {
        guard let criteria else { return }
        let accounts = [caller.accountId] + (try await connection.enabledMembers(of: caller.accountId, region: caller.region, logger: self.logger))
        var builder = SQLBuilder()
        let condition = try FindingQuery.condition(try criteria.terms(allowMatches: true), into: &builder)
        builder.sql = """
            UPDATE findings SET archived = true, suppressed = true
            WHERE account_id = ANY(\(try builder.bind(accounts))) AND region = \(try builder.bind(caller.region)) AND NOT archived AND \(condition)
            """
        try await connection.query(builder.query, logger: self.logger)
    }

    private func filterRow(_ connection: PostgresConnection, detectorId: String, name: String) async throws -> GetFilterResponse {
        for try await (name, description, action, rank, criteria, tags) in try await connection.query(
            "SELECT name, description, action, rank, criteria::text, tags::text FROM filters WHERE detector_id = \(detectorId) AND name = \(name)",
            logger: self.logger
        ).decode((String, String, String, Int, String, String).self) {
            let tagMap = try PostgresStoreContext.decodeJSON([String: String].self, tags)
            return GetFilterResponse(
                name: name, description: description.isEmpty ? nil : description, action: action, rank: rank,
                findingCriteria: try PostgresStoreContext.decodeJSON(FindingCriteria.self, criteria), tags: tagMap.isEmpty ? nil : tagMap
            )
        }
        throw GuardDutyError.notFound("The request is rejected because the filter \(name) does not exist for detector \(detectorId).")
    }

    public func getFilter(caller: Caller, detectorId: String, name: String) async throws -> GetFilterResponse {
        try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            return try await self.filterRow(connection, detectorId: detectorId, name: name)
        }
    }

    public func updateFilter(caller: Caller, detectorId: String, name: String, request: FilterRequest) async throws -> String {
        let (action, criteria) = try Self.validateFilter(request, creating: false)
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            let current = try await self.filterRow(connection, detectorId: detectorId, name: name)
            let newAction = action ?? current.action
            let newCriteria = criteria ?? current.findingCriteria
            if newAction == "ARCHIVE" { try await self.requireAdministrator(connection, caller, doing: "create suppression rules") }
            try await connection.query(
                """
                UPDATE filters SET description = \(request.description ?? current.description ?? ""), action = \(newAction),
                       rank = \(request.rank ?? current.rank), criteria = \(PostgresStoreContext.encodeJSON(newCriteria))::jsonb
                WHERE detector_id = \(detectorId) AND name = \(name)
                """,
                logger: self.logger
            )
            if newAction == "ARCHIVE" { try await self.archiveMatching(connection, caller: caller, criteria: newCriteria) }
            return name
        }
    }

    public func deleteFilter(caller: Caller, detectorId: String, name: String) async throws {
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            _ = try await self.filterRow(connection, detectorId: detectorId, name: name)
            try await connection.query("DELETE FROM filters WHERE detector_id = \(detectorId) AND name = \(name)", logger: self.logger)
        }
    }

    public func listFilters(caller: Caller, detectorId: String, maxResults: Int, nextToken: String?) async throws -> Page<String> {
        let after = try PageToken.decode(nextToken) ?? ""
        return try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            var names: [String] = []
            for try await (name) in try await connection.query(
                "SELECT name FROM filters WHERE detector_id = \(detectorId) AND name > \(after) ORDER BY name LIMIT \(maxResults + 1)",
                logger: self.logger
            ).decode(String.self) {
                names.append(name)
            }
            var token: String? = nil
            if names.count > maxResults {
                names.removeLast()
                token = PageToken.encode(names[names.count - 1])
            }
            return Page(items: names, nextToken: token)
        }
    }
}

extension PostgresConnection {
    /// The administrator of an Enabled member in a region (whose settings, lists and rules are in force for it).
    func enabledAdministrator(of account: String, region: String, logger: Logger) async throws -> String? {
        for try await (admin) in try await self.query(
            "SELECT administrator_id FROM members WHERE account_id = \(account) AND region = \(region) AND relationship_status = 'Enabled'",
            logger: logger
        ).decode(String.self) {
            return admin
        }
        return nil
    }
}
