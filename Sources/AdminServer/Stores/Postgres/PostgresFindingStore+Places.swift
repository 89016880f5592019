import PostgresNIO

extension PostgresFindingStore {
    /// How many of the most recently updated current findings the summary's remote places are counted over: the page
    /// stays a bounded read (the `findings_current` index) however many findings an organisation keeps.
    static let remotePlacesWindow = 10_000

    /// Counts findings per remote country and per autonomous system over every remoteIpDetails a finding holds (network
    /// connection, API call, each port-probe detail) among the latest `remotePlacesWindow` current findings: a finding
    /// naming one country twice counts once for it.
    public func remotePlaces(caller: Caller, detectorId: String) async throws -> RemotePlaces {
        try await self.context.read(for: caller) { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            let query: PostgresQuery = """
                WITH recent AS (
                    SELECT account_id, finding_id, finding FROM findings
                    WHERE account_id = ANY(\(accounts)) AND region = \(caller.region) AND NOT archived
                    ORDER BY updated_at DESC LIMIT \(Self.remotePlacesWindow)
                ), remote AS (
                    SELECT f.account_id, f.finding_id, r.details FROM recent f
                    CROSS JOIN LATERAL (
                        SELECT jsonb_path_query(f.finding, '$.service.action.*.remoteIpDetails') AS details
                        UNION ALL
                        SELECT jsonb_path_query(f.finding, '$.service.action.portProbeAction.portProbeDetails[*].remoteIpDetails')
                    ) r
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
