import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

extension PostgresFindingStore {
    // MARK: reading

    /// The accounts whose findings the caller's detector shows: its own and its Enabled members'.
    func scope(_ connection: PostgresConnection, _ caller: Caller, _ detectorId: String) async throws -> [String] {
        _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
        return [caller.accountId] + (try await connection.enabledMembers(of: caller.accountId, region: caller.region, logger: self.logger))
    }

    /// The stored document with the columns the administrator changes overlaid.
    static let documentColumn = SQL.findingDocument() + "::text"

    public func listFindings(caller: Caller, detectorId: String, request: ListFindingsRequest) async throws -> ListFindingsResponse {
        let maxResults = try FindingLimits.listFindingsMaxResults(request.maxResults)
        let terms = try (request.findingCriteria ?? FindingCriteria()).terms(allowMatches: false)
        let sort = try FindingSort(request.sortCriteria)
        let after = try PageToken.decode(request.nextToken)
        return try await self.context.read(for: caller) { connection in
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
        return try await self.context.read(for: caller) { connection in
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
        let plan = try FindingStatisticsPlan(request)
        // Criteria on the rollup's columns only (and not grouping by resource): count from `finding_stats`, which a
        // trigger keeps per account, week, day, type, severity and archived flag; otherwise count the findings.
        let rolledUp = request.groupBy != "RESOURCE" && plan.terms.allSatisfy { Self.rollupPaths.contains($0.path) }
        return try await self.context.read(for: caller) { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            var builder = SQLBuilder()
            let scope = """
                FROM \(rolledUp ? "finding_stats" : "findings") WHERE account_id = ANY(\(try builder.bind(accounts))) AND region = \(try builder.bind(caller.region))
                  AND \(try FindingQuery.condition(plan.terms, into: &builder))
                """
            var statistics = FindingStatistics()
            let count = rolledUp ? "sum(total)" : "count(*)"
            let having = rolledUp ? "HAVING sum(total) > 0" : ""
            if let grouping = try plan.grouping() {
                let groups = try await self.groups(connection, grouping, plan: plan, rolledUp: rolledUp, scope: scope, builder: &builder)
                switch grouping {
                case .account: statistics.groupedByAccount = groups
                case .date: statistics.groupedByDate = groups
                case .findingType: statistics.groupedByFindingType = groups
                case .resource: statistics.groupedByResource = groups
                case .severity: statistics.groupedBySeverity = groups
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

    /// The groups of GetFindingsStatistics' `groupBy`, from the rollup or the findings (`scope` is the FROM/WHERE).
    private func groups(
        _ connection: PostgresConnection, _ grouping: FindingStatisticsPlan.Grouping, plan: FindingStatisticsPlan, rolledUp: Bool, scope: String,
        builder: inout SQLBuilder
    ) async throws -> [FindingStatisticsGroup] {
        let count = rolledUp ? "sum(total)" : "count(*)"
        let last = rolledUp ? "max(last_updated)" : "max(updated_at)"
        let day = rolledUp ? "day::timestamp" : "date_trunc('day', updated_at AT TIME ZONE 'UTC')"
        let having = rolledUp ? "HAVING sum(total) > 0" : ""
        let keys: String
        switch grouping {
        case .account: keys = "account_id, NULL::text, NULL::text"
        case .date: keys = "(extract(epoch from \(day)))::text, NULL::text, NULL::text"
        case .findingType: keys = "type, NULL::text, NULL::text"
        case .resource: keys = "coalesce(resource_id, ''), resource_type, account_id"
        case .severity: keys = "severity::text, NULL::text, NULL::text"
        }
        builder.sql = """
            SELECT \(keys), \(count)::bigint, extract(epoch from \(last))::float8, max(severity) \(scope)
            GROUP BY 1, 2, 3 \(having) ORDER BY 4 \(plan.descending ? "DESC" : "ASC"), 1 LIMIT \(plan.maxResults)
            """
        var groups: [FindingStatisticsGroup] = []
        for try await (key, second, third, total, last, severity) in try await connection.query(builder.query, logger: self.logger)
            .decode((String, String?, String?, Int, Double, Double).self)
        {
            var group = FindingStatisticsGroup(totalFindings: total)
            group.lastGeneratedAt = last
            switch grouping {
            case .account: group.accountId = key
            case .date:
                group.date = Double(key)
                group.severity = severity
            case .findingType: group.findingType = key
            case .resource:
                group.resourceId = key
                group.resourceType = second
                group.accountId = third
            case .severity: group.severity = Double(key)
            }
            groups.append(group)
        }
        return groups
    }

    /// Criteria paths the statistics rollup can answer (its columns have the names FindingQuery renders).
    static let rollupPaths: Set<String> = ["accountId", "region", "type", "severity", "service.archived"]
}
