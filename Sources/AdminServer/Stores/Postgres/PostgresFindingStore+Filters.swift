import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Filters and suppression rules (`filters`); what a filter may hold is `FilterRules`.
extension PostgresFindingStore {
    public func createFilter(caller: Caller, detectorId: String, request: FilterRequest) async throws -> String {
        let (name, action, criteria) = try FilterRules.create(request)
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
            for try await (value) in try await connection.query("SELECT count(*) FROM filters WHERE detector_id = \(detectorId)", logger: self.logger)
                .decode(Int.self)
            {
                count = value
            }
            try FilterRules.roomForAnother(count: count)
            let rank = FilterRules.rank(requested: request.rank, existingCount: count)
            do {
                try await connection.query(
                    """
                    INSERT INTO filters (detector_id, name, description, action, rank, criteria, tags, client_token)
                    VALUES (\(detectorId), \(name), \(request.description ?? ""), \(action), \(rank), \(PostgresStoreContext.encodeJSON(criteria))::jsonb,
                            \(PostgresStoreContext.encodeJSON(request.tags ?? [:]))::jsonb, \(request.clientToken))
                    """,
                    logger: self.logger
                ).consume()
            } catch {
                if case StoreError.conflict = PostgresStoreContext.translate(error) {
                    throw FilterRules.nameTaken(name)
                }
                throw error
            }
            if action == "ARCHIVE" { try await self.archiveMatching(connection, caller: caller, criteria: criteria) }
            return name
        }
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
        try await connection.query(builder.query, logger: self.logger).consume()
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
        throw FilterRules.notFound(name, detectorId: detectorId)
    }

    public func getFilter(caller: Caller, detectorId: String, name: String) async throws -> GetFilterResponse {
        try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            return try await self.filterRow(connection, detectorId: detectorId, name: name)
        }
    }

    public func updateFilter(caller: Caller, detectorId: String, name: String, request: FilterRequest) async throws -> String {
        let (action, criteria) = try FilterRules.validate(request, creating: false)
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
            ).consume()
            if newAction == "ARCHIVE" { try await self.archiveMatching(connection, caller: caller, criteria: newCriteria) }
            return name
        }
    }

    public func deleteFilter(caller: Caller, detectorId: String, name: String) async throws {
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            _ = try await self.filterRow(connection, detectorId: detectorId, name: name)
            try await connection.query("DELETE FROM filters WHERE detector_id = \(detectorId) AND name = \(name)", logger: self.logger).consume()
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
