import PostgresNIO

extension PostgresFindingStore {
    /// Counts findings per remote country and per autonomous system over every remoteIpDetails a finding holds (network
    /// connection, API call, each port-probe detail): a finding naming one country twice counts once for it.
    public func remotePlaces(caller: Caller, detectorId: String) async throws -> RemotePlaces {
        try await self.context.client.withConnection { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            let query: PostgresQuery = """
                WITH remote AS (
                    SELECT f.account_id, f.finding_id, r.details FROM findings f
                    CROSS JOIN LATERAL (
                        SELECT jsonb_path_query(f.finding, '$.service.action.*.remoteIpDetails') AS details
                        UNION ALL
                        SELECT jsonb_path_query(f.finding, '$.service.action.portProbeAction.portProbeDetails[*].remoteIpDetails')
                    ) r
                    WHERE f.account_id = ANY(\(accounts)) AND f.region = \(caller.region) AND NOT f.archived
                ), labelled AS (
                    SELECT 'country' AS kind, account_id, finding_id,
                        coalesce(details #>> '{country,countryName}', details #>> '{country,countryCode}')
                            || coalesce(' (' || (details #>> '{country,countryCode}') || ')', '') AS label
                    FROM remote WHERE details ? 'country'
                    UNION ALL
                    SELECT 'asn', account_id, finding_id,
                        coalesce('AS' || (details #>> '{organization,asn}'), '') || coalesce(' ' || (details #>> '{organization,asnOrg}'), '')
                    FROM remote WHERE details ? 'organization'
                ), counted AS (
                    SELECT kind, label, count(DISTINCT (account_id, finding_id))::bigint AS total,
                        row_number() OVER (PARTITION BY kind ORDER BY count(DISTINCT (account_id, finding_id)) DESC, label) AS rank
                    FROM labelled WHERE label IS NOT NULL AND label <> '' GROUP BY kind, label
                )
                SELECT kind, label, total FROM counted WHERE rank <= 10 ORDER BY kind, rank
                """
            var places = RemotePlaces()
            for try await (kind, label, total) in try await connection.query(query, logger: self.logger).decode((String, String, Int).self) {
                let count = RemotePlaces.Count(label: label, total: total)
                if kind == "country" { places.countries.append(count) } else { places.autonomousSystems.append(count) }
            }
            return places
        }
    }
}
