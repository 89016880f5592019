import AdminServer
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// Agent heartbeats feed ListCoverage / GetCoverageStatistics and usage, on real PostgreSQL.
@Suite("Coverage")
struct CoverageTests {
    func heartbeat(
        _ server: TestServer, _ key: IssuedAccessKey, detector: String, agent: String, records: Int = 10,
        sequence: Int64? = nil
    ) async throws -> Int {
        let body = AgentHeartbeat(
            agentId: agent, detectorId: detector, hostname: "host-\(agent)", version: "0.4.0", configVersion: 1,
            sources: [
                .init(
                    dataSource: "FLOW_LOGS", path: "/var/log/flow", records: records, errors: 0, lagSeconds: 3, recordsSinceLast: records,
                    bytesSinceLast: records * 100)
            ],
            usageSequence: sequence
        )
        return try await server.call(key, .post, "/agent/v1/heartbeat", json: String(decoding: try JSONEncoder().encode(body), as: UTF8.self)).status
    }

    /// The FLOW_LOGS records counted for `key`'s account today, read from the database.
    func flowLogRecords(_ server: TestServer, _ key: IssuedAccessKey) async throws -> Int {
        var records = 0
        for try await value in try await server.postgres.query(
            "SELECT records FROM usage_daily WHERE account_id = \(key.accountId) AND data_source = 'FLOW_LOGS'"
        ).decode(Int.self) { records = value }
        return records
    }

    @Test func silentAgentsBecomeUnhealthyAndAdministratorsSeeTheirMembersAgents() async throws {
        try await TestServer.run { server in
            let (admin, adminDetector, member, memberDetector) = try await server.enrolledPair()
            #expect(try await self.heartbeat(server, member, detector: memberDetector, agent: "agent-aaaa1111") == 200)
            #expect(try await self.heartbeat(server, member, detector: memberDetector, agent: "agent-bbbb2222") == 200)
            #expect(try await self.heartbeat(server, admin, detector: adminDetector, agent: "agent-cccc3333") == 200)
            // An agent id belongs to one account; another account's detector is refused.
            #expect(try await self.heartbeat(server, admin, detector: adminDetector, agent: "agent-aaaa1111") == 400)
            #expect(try await self.heartbeat(server, admin, detector: memberDetector, agent: "agent-dddd4444") == 400)
            try await server.postgres.query("UPDATE agents SET last_seen = now() - interval '2 minutes' WHERE agent_id = 'agent-bbbb2222'")
            let listed = try await server.call(
                admin, .post, "/detector/\(adminDetector)/coverage", json: #"{"sortCriteria":{"attributeName":"COVERAGE_STATUS","orderBy":"DESC"}}"#)
            let resources = try require(listed.body["resources"] as? [[String: Any]])
            #expect(resources.count == 3)
            #expect(resources.first?["resourceId"] as? String == "agent-bbbb2222")
            #expect(resources.first?["coverageStatus"] as? String == "UNHEALTHY")
            #expect((resources.first?["issue"] as? String)?.contains("No heartbeat") == true)
            let healthyOnly = try await server.call(
                admin, .post, "/detector/\(adminDetector)/coverage",
                json:
                    #"{"filterCriteria":{"filterCriterion":[{"criterionKey":"ACCOUNT_ID","filterCondition":{"equals":["\#(member.accountId)"]}},{"criterionKey":"COVERAGE_STATUS","filterCondition":{"equals":["HEALTHY"]}}]}}"#
            )
            #expect((healthyOnly.body["resources"] as? [[String: Any]])?.compactMap { $0["resourceId"] as? String } == ["agent-aaaa1111"])
            let statistics = try await server.call(
                admin, .post, "/detector/\(adminDetector)/coverage/statistics",
                json: #"{"statisticsType":["COUNT_BY_COVERAGE_STATUS","COUNT_BY_RESOURCE_TYPE"]}"#
            )
            let counts = statistics.body["coverageStatistics"] as? [String: [String: Int]]
            #expect(counts?["countByCoverageStatus"] == ["HEALTHY": 2, "UNHEALTHY": 1])
            #expect(counts?["countByResourceType"] == ["EC2": 3])
            // The member sees only its own agents.
            let own = try await server.call(member, .post, "/detector/\(memberDetector)/coverage", json: "{}")
            #expect((own.body["resources"] as? [[String: Any]])?.count == 2)
            // Usage accumulates per account, day and data source.
            var records = 0
            for try await (value) in try await server.postgres.query(
                "SELECT records FROM usage_daily WHERE account_id = \(member.accountId) AND data_source = 'FLOW_LOGS'"
            ).decode(Int.self) { records = value }
            #expect(records == 20)
            // GetUsageStatistics in Guardpost's units: records analysed, per account, data source and feature, for the administrator's scope.
            func usage(_ type: String, _ extra: String = "") async throws -> [String: Any] {
                let response = try await server.call(
                    admin, .post, "/detector/\(adminDetector)/usage/statistics",
                    json: #"{"usageStatisticsType":"\#(type)","usageCriteria":{"dataSources":["FLOW_LOGS"]}\#(extra)}"#
                )
                #expect(response.status == 200, "\(response.body)")
                return response.body["usageStatistics"] as? [String: Any] ?? [:]
            }
            let byAccount = try await usage("SUM_BY_ACCOUNT", #","unit":"RECORDS""#)["sumByAccount"] as? [[String: Any]]
            #expect(byAccount?.first?["accountId"] as? String == member.accountId)
            #expect((byAccount?.first?["total"] as? [String: String]) == ["amount": "20", "unit": "RECORDS"])
            #expect((byAccount?.last?["total"] as? [String: String])?["amount"] == "10")
            let bytes = try await usage("SUM_BY_DATA_SOURCE", #","unit":"BYTES""#)["sumByDataSource"] as? [[String: Any]]
            #expect((bytes?.first?["total"] as? [String: String]) == ["amount": "3000", "unit": "BYTES"])
            let top = try await usage("TOP_ACCOUNTS_BY_FEATURE")["topAccountsByFeature"] as? [[String: Any]]
            #expect(top?.first?["feature"] as? String == "FLOW_LOGS")
            let euros = try await server.call(
                admin, .post, "/detector/\(adminDetector)/usage/statistics",
                json: #"{"usageStatisticsType":"SUM_BY_ACCOUNT","usageCriteria":{},"unit":"EUR"}"#
            )
            #expect(euros.status == 400)
        }
    }

    /// A usage report delivered twice (its answer lost) counts once; a later report counts; an earlier one, or one
    /// from before a restart's higher numbers, does not; heartbeats without numbers count every time.
    @Test func aUsageReportDeliveredTwiceCountsOnce() async throws {
        try await TestServer.run { server in
            let member = try await server.account()
            let detector = try await server.createDetector(member)
            func recorded() async throws -> Int { try await self.flowLogRecords(server, member) }
            #expect(try await self.heartbeat(server, member, detector: detector, agent: "agent-eeee5555", records: 10, sequence: 1_000) == 200)
            #expect(try await self.heartbeat(server, member, detector: detector, agent: "agent-eeee5555", records: 10, sequence: 1_000) == 200)
            #expect(try await recorded() == 10)
            #expect(try await self.heartbeat(server, member, detector: detector, agent: "agent-eeee5555", records: 7, sequence: 1_001) == 200)
            #expect(try await recorded() == 17)
            #expect(try await self.heartbeat(server, member, detector: detector, agent: "agent-eeee5555", records: 5, sequence: 999) == 200)
            #expect(try await recorded() == 17)
            // Heartbeats without a number (older agents) count as before; the agent's last-seen time moves either way.
            #expect(try await self.heartbeat(server, member, detector: detector, agent: "agent-eeee5555", records: 3) == 200)
            #expect(try await recorded() == 20)
            var applied: Int64?
            for try await value in try await server.postgres.query(
                "SELECT usage_sequence FROM agents WHERE agent_id = 'agent-eeee5555'"
            ).decode(Int64?.self) { applied = value }
            #expect(applied == 1_001)
        }
    }

    /// Many copies of one usage report arriving at once (an agent's retries racing its first delivery) count once,
    /// whether the agent is registering or already known; the next report, racing its own copies, counts once more.
    @Test func concurrentDeliveriesOfOneUsageReportCountOnce() async throws {
        try await TestServer.run { server in
            let member = try await server.account()
            let detector = try await server.createDetector(member)
            func recorded() async throws -> Int { try await self.flowLogRecords(server, member) }
            for (sequence, expected) in [(Int64(1), 10), (2, 20), (3, 30)] {
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<16 {
                        group.addTask {
                            try await self.heartbeat(server, member, detector: detector, agent: "agent-ffff6666", records: 10, sequence: sequence)
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 200, count: 16))
                let counted = try await recorded()
                #expect(counted == expected, "report \(sequence)")
            }
        }
    }

    /// A known agent's heartbeat to a detector it does not own, or from another account, is refused and changes
    /// nothing: its row, last-seen time and usage stay as they were.
    @Test func aKnownAgentsHeartbeatAgainstAnotherAccountsDetectorChangesNothing() async throws {
        try await TestServer.run { server in
            let (admin, adminDetector, member, memberDetector) = try await server.enrolledPair()
            #expect(try await self.heartbeat(server, member, detector: memberDetector, agent: "agent-abab1212", records: 5, sequence: 1) == 200)
            func row() async throws -> (String, Int64?, Int) {
                var result = ("", Int64?.none, 0)
                for try await value in try await server.postgres.query(
                    """
                    SELECT a.detector_id, a.usage_sequence, coalesce((SELECT sum(records) FROM usage_daily), 0)::int
                    FROM agents a WHERE a.agent_id = 'agent-abab1212'
                    """
                ).decode((String, Int64?, Int).self) { result = value }
                return result
            }
            let before = try await row()
            #expect(before.0 == memberDetector && before.1 == 1 && before.2 == 5)
            // The member's known agent names the administrator's detector; the administrator claims the member's agent.
            #expect(try await self.heartbeat(server, member, detector: adminDetector, agent: "agent-abab1212", sequence: 2) == 400)
            #expect(try await self.heartbeat(server, admin, detector: adminDetector, agent: "agent-abab1212", sequence: 3) == 400)
            #expect(try await self.heartbeat(server, member, detector: "0123456789abcdef0123456789abcdef", agent: "agent-abab1212") == 400)
            let after = try await row()
            #expect(after.0 == before.0 && after.1 == before.1 && after.2 == before.2)
        }
    }

    /// The replica remembers the agents it stored (`RegisteredAgents`) to give their heartbeats one statement. That is
    /// only a hint: an agent whose row went away meanwhile (deleted by hand, or by another replica's doing) is
    /// registered again, with its usage, on its next heartbeat.
    @Test func aRememberedAgentWhoseRowWasDeletedRegistersAgainOnItsNextHeartbeat() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            #expect(try await self.heartbeat(server, key, detector: detector, agent: "agent-0d0d0d0d", records: 5, sequence: 1) == 200)
            #expect(try await self.heartbeat(server, key, detector: detector, agent: "agent-0d0d0d0d", records: 6, sequence: 2) == 200)
            _ = try await server.postgres.query("DELETE FROM agents WHERE agent_id = 'agent-0d0d0d0d'").collect()
            #expect(try await self.heartbeat(server, key, detector: detector, agent: "agent-0d0d0d0d", records: 7, sequence: 3) == 200)
            var sequences: [Int64?] = []
            for try await value in try await server.postgres.query(
                "SELECT usage_sequence FROM agents WHERE agent_id = 'agent-0d0d0d0d'"
            ).decode(Int64?.self) { sequences.append(value) }
            #expect(sequences == [3])
            #expect(try await self.flowLogRecords(server, key) == 18)
        }
    }
}
