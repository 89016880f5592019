import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Effective agent configuration and list content from PostgreSQL.
public struct PostgresAgentChannelStore: AgentChannelStore {
    let context: PostgresStoreContext
    /// Agents one account may register per region (`--max-agents-per-account`); coverage loads them all.
    let maxAgentsPerAccount: Int
    /// Which heartbeat path to take first: the agents this replica has stored.
    let registered: RegisteredAgents

    public init(context: PostgresStoreContext, maxAgentsPerAccount: Int = 1000) {
        self.context = context
        self.maxAgentsPerAccount = maxAgentsPerAccount
        self.registered = RegisteredAgents()
    }

    var logger: Logger { self.context.logger }

    public func agentConfig(caller: Caller, detectorId: String) async throws -> AgentConfig {
        try await self.context.client.withConnection { connection in
            let detector = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            let version = detector.configVersion
            // Only an Enabled member runs with its administrator's publishing frequency; a stopped (Disabled) or
            // disassociated member's agents fall back to the account's own, as a standalone account's. The features are
            // always the detector's own (its administrator sets them with UpdateMemberDetectors or auto-enable).
            let admin = try await connection.enabledAdministrator(of: caller.accountId, region: caller.region, logger: self.logger)
            var administratorFrequency: String?
            if let admin {
                for try await (value) in try await connection.query(
                    "SELECT finding_publishing_frequency FROM detectors WHERE account_id = \(admin) AND region = \(caller.region)",
                    logger: self.logger
                ).decode(String.self) {
                    administratorFrequency = value
                }
            }
            let frequency = FeatureInheritance.effectiveFrequency(own: detector.frequency, administrator: administratorFrequency)
            let features = detector.features
            var lists: [AgentConfig.ListDescriptor] = []
            for try await row in try await connection.query(
                """
                SELECT list_id, kind, name, format, content_sha256, entry_count FROM lists
                WHERE account_id = \(admin ?? caller.accountId) AND region = \(caller.region) AND content_sha256 IS NOT NULL
                  AND status IN ('ACTIVE', 'ACTIVATING', 'ERROR')
                ORDER BY list_id
                """,
                logger: self.logger
            ).decode((String, String, String, String, String, Int).self) {
                lists.append(
                    .init(
                        id: row.0, kind: row.1, name: row.2, format: row.3, sha256: row.4, entryCount: row.5,
                        trusted: ListKind(rawValue: row.1)?.isTrusted ?? false
                    ))
            }
            var feeds: [AgentConfig.FeedDescriptor] = []
            for try await row in try await connection.query(
                "SELECT name, kind, content_sha256, entry_count FROM intel_feeds WHERE content_sha256 IS NOT NULL ORDER BY name",
                logger: self.logger
            ).decode((String, String, String, Int).self) {
                feeds.append(.init(name: row.0, kind: row.1, sha256: row.2, entryCount: row.3))
            }
            var featureStatus: [String: String] = ["CLOUD_TRAIL": "ENABLED", "DNS_LOGS": "ENABLED", "FLOW_LOGS": "ENABLED"]
            for feature in DetectorFeature.allCases { featureStatus[feature.rawValue] = features.status(of: feature).rawValue }
            return AgentConfig(
                detectorId: detectorId, accountId: caller.accountId, region: caller.region, version: version, status: detector.status,
                findingPublishingFrequency: frequency, features: featureStatus, administratorId: admin, lists: lists,
                feeds: feeds
            )
        }
    }

    public func listInForce(caller: Caller, sha256: String) async throws -> Bool {
        try await self.context.client.withConnection { connection in
            let owner =
                try await connection.enabledAdministrator(of: caller.accountId, region: caller.region, logger: self.logger) ?? caller.accountId
            for try await (inForce) in try await connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM lists l WHERE l.content_sha256 = \(sha256) AND l.account_id = \(owner) AND l.region = \(caller.region))
                    OR EXISTS (SELECT 1 FROM intel_feeds f WHERE f.content_sha256 = \(sha256))
                """,
                logger: self.logger
            ).decode(Bool.self) {
                return inForce
            }
            return false
        }
    }

    public func listContent(sha256: String) async throws -> String? {
        try await self.context.client.withConnection { connection in
            for try await (body) in try await connection.query(
                "SELECT body FROM list_contents WHERE sha256 = \(sha256)", logger: self.logger
            ).decode(String.self) {
                return body
            }
            return nil
        }
    }

    /// One statement, one round trip, for an agent this replica has stored in the caller's account and region (every
    /// heartbeat but its first): 10,000 agents every 15 s are 667 of these a second on one replica. A new agent, one
    /// this replica has not seen, one that moved region, or one of another account takes `registeringHeartbeat`'s
    /// transaction (`RegisteredAgents` says why the choice is made before asking the database).
    public func heartbeat(caller: Caller, heartbeat: AgentHeartbeat) async throws {
        try heartbeat.validate()
        try Validate.detectorId(heartbeat.detectorId)
        let usage = Self.usageTotals(heartbeat)
        guard self.registered.contains(heartbeat.agentId, accountId: caller.accountId, region: caller.region) else {
            return try await self.registeringHeartbeat(caller: caller, heartbeat: heartbeat, usage: usage)
        }
        var owner: (accountId: String, region: String)?
        var stored = false
        do {
            // The agent's row is locked by the inner SELECT … FOR UPDATE before the UPDATE reads the sequence it held, so
            // two deliveries of one report cannot both count. The usage rows are upserted in data-source order (two
            // heartbeats of one account lock the same rows in the same order). Both writes are one statement: atomic.
            for try await (account, region, updated) in try await self.context.client.query(
                """
                WITH owner AS (SELECT account_id, region FROM detectors WHERE detector_id = \(heartbeat.detectorId)),
                stored AS (
                    UPDATE agents a SET detector_id = \(heartbeat.detectorId), hostname = \(heartbeat.hostname), version = \(heartbeat.version),
                        config_version = \(heartbeat.configVersion), sources = \(PostgresStoreContext.encodeJSON(heartbeat.sources))::jsonb,
                        last_seen = now(), usage_sequence = GREATEST(a.usage_sequence, \(heartbeat.usageSequence)::int8)
                    FROM (SELECT agent_id, usage_sequence FROM agents
                          WHERE agent_id = \(heartbeat.agentId) AND account_id = \(caller.accountId) AND region = \(caller.region)
                          FOR UPDATE) previous
                    WHERE a.agent_id = previous.agent_id
                      AND EXISTS (SELECT 1 FROM owner WHERE owner.account_id = \(caller.accountId) AND owner.region = \(caller.region))
                    RETURNING previous.usage_sequence AS applied
                ), counted AS (
                    INSERT INTO usage_daily AS u (account_id, region, day, data_source, records, bytes)
                    SELECT \(caller.accountId), \(caller.region), (now() AT TIME ZONE 'UTC')::date, t.data_source, t.records, t.bytes
                    FROM unnest(\(usage.dataSources)::text[], \(usage.records)::int8[], \(usage.bytes)::int8[]) AS t (data_source, records, bytes)
                    CROSS JOIN stored
                    WHERE \(heartbeat.usageSequence)::int8 IS NULL OR stored.applied IS NULL OR \(heartbeat.usageSequence)::int8 > stored.applied
                    ORDER BY t.data_source
                    ON CONFLICT (account_id, region, day, data_source) DO UPDATE
                        SET records = least(u.records::numeric + EXCLUDED.records, 9223372036854775807)::bigint,
                            bytes = least(u.bytes::numeric + EXCLUDED.bytes, 9223372036854775807)::bigint
                )
                SELECT owner.account_id, owner.region, (SELECT count(*) FROM stored)::int
                FROM (SELECT 1) AS one LEFT JOIN owner ON true
                """,
                logger: self.logger
            ).decode((String?, String?, Int).self) {
                if let account, let region { owner = (account, region) }
                stored = updated > 0
            }
        } catch {
            throw PostgresStoreContext.translate(error)
        }
        try DetectorAccess.requireOwned(owner: owner, accountId: caller.accountId, region: caller.region)
        if !stored {
            // The row is gone or elsewhere (deleted, moved, or claimed through another replica): register it anew.
            self.registered.forget(heartbeat.agentId)
            try await self.registeringHeartbeat(caller: caller, heartbeat: heartbeat, usage: usage)
        }
    }

    /// Learns the agents that heartbeat lately (within `recentSeconds`, newest first, at most one generation of
    /// `RegisteredAgents`), so that after a restart, or on a replica just added, their heartbeats take the one
    /// statement at once instead of all passing through their accounts' locks in the first round. A hint only: on
    /// failure it logs and learns nothing.
    public func rememberRecentAgents(recentSeconds: Int = 600) async {
        do {
            var learned = 0
            for try await (agent, account, region) in try await self.context.client.query(
                """
                SELECT agent_id, account_id, region FROM agents WHERE last_seen > now() - make_interval(secs => \(Double(recentSeconds)))
                ORDER BY last_seen DESC LIMIT \(self.registered.capacity)
                """,
                logger: self.logger
            ).decode((String, String, String).self) {
                self.registered.stored(agent, accountId: account, region: region)
                learned += 1
            }
            self.logger.debug("learned the agents seen lately", metadata: ["agents": "\(learned)"])
        } catch {
            self.logger.warning("could not learn the agents seen lately; their first heartbeats register", metadata: ["error": "\(error)"])
        }
    }

    /// Usage per data source in key order, with the counters of one data source's logs added (saturating).
    static func usageTotals(_ heartbeat: AgentHeartbeat) -> (dataSources: [String], records: [Int64], bytes: [Int64]) {
        var totals: [String: (Int, Int)] = [:]
        for source in heartbeat.sources where source.recordsSinceLast > 0 || source.bytesSinceLast > 0 {
            let current = totals[source.dataSource] ?? (0, 0)
            totals[source.dataSource] = (current.0.addingClamped(source.recordsSinceLast), current.1.addingClamped(source.bytesSinceLast))
        }
        let dataSources = totals.keys.sorted()
        return (dataSources, dataSources.map { Int64(totals[$0]!.0) }, dataSources.map { Int64(totals[$0]!.1) })
    }

    /// A heartbeat whose agent this replica does not know in the caller's account and region: five round trips
    /// (BEGIN, the account's lock, one read, one write, COMMIT), the fewest that keep the limit on agents exact. The
    /// argument below rests on READ COMMITTED, PostgreSQL's default and the server's: each statement reads a fresh
    /// snapshot. Once committed, the replica remembers the agent, so its next heartbeat takes the one statement.
    func registeringHeartbeat(
        caller: Caller, heartbeat: AgentHeartbeat, usage: (dataSources: [String], records: [Int64], bytes: [Int64])
    ) async throws {
        try await self.context.transaction(signalsChange: false) { connection in
            // The account's agents in this region are counted under a lock of the account's, so concurrent
            // registrations cannot pass the limit together. It is taken before the read, in a statement of its own,
            // so that the read sees every registration committed before it (copies of this agent's first heartbeat
            // racing included: their usage report then counts once).
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('agents:' || \(caller.accountId) || ':' || \(caller.region)))", logger: self.logger
            ).consume()
            // The detector's owner, the agent's last applied usage report (its row locked: two deliveries of one
            // report cannot both count), and for an agent new in this region, how many the account has there.
            var owner: (accountId: String, region: String)?
            var applied: Int64?
            var known = false
            var count = 0
            for try await (account, region, sequence, agentRegion, agents) in try await connection.query(
                """
                SELECT d.account_id, d.region, a.usage_sequence, a.region,
                       CASE WHEN a.region IS DISTINCT FROM \(caller.region)
                            THEN (SELECT count(*)::int FROM agents WHERE account_id = \(caller.accountId) AND region = \(caller.region)) END
                FROM detectors d
                LEFT JOIN LATERAL (SELECT usage_sequence, region FROM agents WHERE agent_id = \(heartbeat.agentId) FOR UPDATE) a ON true
                WHERE d.detector_id = \(heartbeat.detectorId)
                """,
                logger: self.logger
            ).decode((String, String, Int64?, String?, Int?).self) {
                owner = (account, region)
                applied = sequence
                // An agent that moves to another region registers there anew (and is counted there).
                known = agentRegion == caller.region
                count = agents ?? 0
            }
            try DetectorAccess.requireOwned(owner: owner, accountId: caller.accountId, region: caller.region)
            if !known {
                try AgentRules.roomForAnother(count: count, limit: self.maxAgentsPerAccount, accountId: caller.accountId, region: caller.region)
            }
            let counts = AgentRules.countsUsage(sequence: heartbeat.usageSequence, applied: applied)
            let dataSources = counts ? usage.dataSources : []
            let records = counts ? usage.records : []
            let bytes = counts ? usage.bytes : []
            // The agent row and the usage it reports, in one statement: usage counts only when the row was stored.
            var stored = false
            for try await _ in try await connection.query(
                """
                WITH stored AS (
                    INSERT INTO agents AS a (agent_id, account_id, region, detector_id, hostname, version, config_version, sources, usage_sequence)
                    VALUES (\(heartbeat.agentId), \(caller.accountId), \(caller.region), \(heartbeat.detectorId), \(heartbeat.hostname),
                            \(heartbeat.version), \(heartbeat.configVersion), \(PostgresStoreContext.encodeJSON(heartbeat.sources))::jsonb,
                            \(heartbeat.usageSequence))
                    ON CONFLICT (agent_id) DO UPDATE SET
                        region = EXCLUDED.region, detector_id = EXCLUDED.detector_id, hostname = EXCLUDED.hostname, version = EXCLUDED.version,
                        config_version = EXCLUDED.config_version, sources = EXCLUDED.sources, last_seen = now(),
                        usage_sequence = GREATEST(a.usage_sequence, EXCLUDED.usage_sequence)
                    WHERE a.account_id = EXCLUDED.account_id
                    RETURNING 1
                ), counted AS (
                    INSERT INTO usage_daily AS u (account_id, region, day, data_source, records, bytes)
                    SELECT \(caller.accountId), \(caller.region), (now() AT TIME ZONE 'UTC')::date, t.data_source, t.records, t.bytes
                    FROM unnest(\(dataSources)::text[], \(records)::int8[], \(bytes)::int8[]) AS t (data_source, records, bytes)
                    WHERE EXISTS (SELECT 1 FROM stored)
                    ORDER BY t.data_source
                    ON CONFLICT (account_id, region, day, data_source) DO UPDATE
                        SET records = least(u.records::numeric + EXCLUDED.records, 9223372036854775807)::bigint,
                            bytes = least(u.bytes::numeric + EXCLUDED.bytes, 9223372036854775807)::bigint
                )
                SELECT 1 FROM stored
                """,
                logger: self.logger
            ).decode(Int.self) {
                stored = true
            }
            guard stored else {
                throw AgentRules.belongsToAnotherAccount(heartbeat.agentId)
            }
        }
        self.registered.stored(heartbeat.agentId, accountId: caller.accountId, region: caller.region)
    }

    /// An agent silent for longer than this is unhealthy.
    public static let healthySeconds = 60.0

    public func coverage(caller: Caller, detectorId: String) async throws -> [CoverageResource] {
        try await self.context.read(for: caller) { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            var resources: [CoverageResource] = []
            for try await row in try await connection.query(
                """
                SELECT a.agent_id, a.hostname, a.detector_id, a.account_id, a.version, a.config_version, d.config_version,
                       extract(epoch from a.last_seen)::float8, extract(epoch from now() - a.last_seen)::float8, a.sources::text
                FROM agents a JOIN detectors d ON d.detector_id = a.detector_id
                WHERE a.region = \(caller.region) AND (a.account_id = \(caller.accountId) OR a.account_id IN (
                    SELECT account_id FROM members WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND relationship_status = 'Enabled'))
                ORDER BY a.account_id, a.agent_id
                """,
                logger: self.logger
            ).decode((String, String, String, String, String, Int, Int, Double, Double, String).self) {
                let (agentId, hostname, detector, account, version, applied, current, lastSeen, silence, sourcesJSON) = row
                var issues: [String] = []
                if silence > Self.healthySeconds {
                    issues.append("No heartbeat from agent \(agentId) on \(hostname) for \(Int(silence)) seconds.")
                }
                if applied < current, silence > 5 {
                    issues.append("The agent runs configuration version \(applied); the detector is at version \(current).")
                }
                let sources = (try? PostgresStoreContext.decodeJSON([AgentHeartbeat.Source].self, sourcesJSON)) ?? []
                var failing = false
                for source in sources {
                    issues += Self.issues(of: source)
                    if source.issue != nil { failing = true }
                }
                resources.append(
                    CoverageResource(
                        agentId: agentId, hostname: hostname, detectorId: detector, accountId: account, version: version,
                        healthy: silence <= Self.healthySeconds && !failing, issue: issues.isEmpty ? nil : issues.joined(separator: " "),
                        updatedAt: lastSeen
                    ))
            }
            return resources
        }
    }

    /// What coverage says about one source: what stops it (a missing or forbidden bucket: the agent is unhealthy),
    /// malformed records, objects skipped as corrupt, objects waiting. What an agent reports is cut to a line each.
    static func issues(of source: AgentHeartbeat.Source) -> [String] {
        func line(_ text: String) -> String { String(text.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.prefix(400)) }
        var issues: [String] = []
        let name = "\(source.dataSource) source \(line(source.path))"
        if let issue = source.issue {
            let text = line(issue)
            issues.append("\(name) cannot be read: \(text.hasSuffix(".") ? String(text.dropLast()) : text).")
        }
        if source.errors > 0 { issues.append("\(source.errors) malformed records in \(name).") }
        if let skipped = source.skippedObjects, !skipped.isEmpty {
            issues.append("Objects skipped as corrupt in \(name): \(skipped.prefix(3).map(line).joined(separator: "; ")).")
        }
        if let behind = source.objectsBehind, behind > 0, let seconds = source.secondsBehind, seconds >= 900 {
            issues.append("\(behind) objects waiting in \(name), \(Int(seconds)) seconds behind the newest.")
        }
        return issues
    }

    public func usage(caller: Caller, detectorId: String) async throws -> [UsageRow] {
        try await self.context.read(for: caller) { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            var rows: [UsageRow] = []
            for try await row in try await connection.query(
                """
                SELECT account_id, data_source, day::text, records, bytes FROM usage_daily
                WHERE region = \(caller.region) AND day > (now() AT TIME ZONE 'UTC')::date - 30
                  AND (account_id = \(caller.accountId) OR account_id IN (
                    SELECT account_id FROM members WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND relationship_status = 'Enabled'))
                ORDER BY account_id, data_source, day
                """,
                logger: self.logger
            ).decode((String, String, String, Int, Int).self) {
                rows.append(UsageRow(accountId: row.0, dataSource: row.1, day: row.2, records: row.3, bytes: row.4))
            }
            return rows
        }
    }
}
