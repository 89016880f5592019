import AdminServer
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// Findings stored through the agent channel and read through the GuardDuty findings operations, on real PostgreSQL.
@Suite("Findings")
struct FindingsTests {
    func ids(_ response: (status: Int, body: [String: Any], errorType: String?)) -> [String] {
        response.body["findingIds"] as? [String] ?? []
    }

    func findings(_ server: TestServer, _ key: IssuedAccessKey, _ detectorId: String, _ ids: [String]) async throws -> [[String: Any]] {
        let quoted = ids.map { "\"\($0)\"" }.joined(separator: ",")
        let response = try await server.call(key, .post, "/detector/\(detectorId)/findings/get", json: #"{"findingIds":[\#(quoted)]}"#)
        return response.body["findings"] as? [[String: Any]] ?? []
    }

    @Test func ingestIsIdempotentAndOnlyMovesFindingsForward() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            let first = makeFinding(account: key.accountId, detectorId: detector, id: "f1", updatedAt: "2026-11-20T10:00:00.000Z", count: 3)
            let stored = try await server.ingest(key, detectorId: detector, [first])
            #expect(stored.body["created"] as? Int == 1)
            let replay = try await server.ingest(key, detectorId: detector, [first, first])
            #expect(replay.body["unchanged"] as? Int == 1)
            let older = makeFinding(account: key.accountId, detectorId: detector, id: "f1", updatedAt: "2026-11-20T09:30:00.000Z", count: 1)
            #expect(try await server.ingest(key, detectorId: detector, [older]).body["unchanged"] as? Int == 1)
            let newer = makeFinding(account: key.accountId, detectorId: detector, id: "f1", updatedAt: "2026-11-20T11:00:00.000Z", count: 7)
            #expect(try await server.ingest(key, detectorId: detector, [newer]).body["updated"] as? Int == 1)
            let got = try await self.findings(server, key, detector, ["f1"])
            #expect(got.count == 1)
            #expect((got.first?["service"] as? [String: Any])?["count"] as? Int == 7)
            #expect(got.first?["updatedAt"] as? String == "2026-11-20T11:00:00.000Z")
            #expect(got.first?["createdAt"] as? String == "2026-11-20T09:00:00.000Z")
        }
    }

    @Test func malformedForeignOrOversizedBatchesAreRefusedAndNothingIsStored() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let other = try await server.account()
            let detector = try await server.createDetector(key)
            let otherDetector = try await server.createDetector(other)
            let good = makeFinding(account: key.accountId, detectorId: detector, id: "good")
            var badType = makeFinding(account: key.accountId, detectorId: detector, id: "bad")
            badType.type = "Made:Up/Type"
            let mixed = try await server.ingest(key, detectorId: detector, [good, badType])
            #expect(mixed.status == 400)
            #expect((mixed.body["message"] as? String)?.contains("finding 1") == true)
            // Another account's detector, and findings claiming another account.
            #expect(try await server.ingest(key, detectorId: otherDetector, [good]).status == 400)
            let foreign = makeFinding(account: other.accountId, detectorId: otherDetector, id: "x")
            #expect(try await server.ingest(key, detectorId: detector, [foreign]).status == 400)
            let notJSON = try await server.call(key, .post, "/agent/v1/findings", json: #"{"detectorId":"\#(detector)","findings":[{"id":1}]}"#)
            #expect(notJSON.status == 400)
            let many = (0...500).map { makeFinding(account: key.accountId, detectorId: detector, id: "n\($0)") }
            #expect(try await server.ingest(key, detectorId: detector, many).status == 400)
            let listed = try await server.call(key, .post, "/detector/\(detector)/findings", json: "{}")
            #expect(self.ids(listed).isEmpty)
        }
    }

    @Test func administratorSeesEnabledMembersFindingsAndOutsidersSeeNone() async throws {
        try await TestServer.run { server in
            let admin = try await server.account()
            let member = try await server.account()
            let outsider = try await server.account()
            let adminDetector = try await server.createDetector(admin)
            let memberDetector = try await server.createDetector(member)
            let outsiderDetector = try await server.createDetector(outsider)
            try await server.enroll(admin: admin, adminDetector: adminDetector, member: member, memberDetector: memberDetector)
            try await server.ingest(admin, detectorId: adminDetector, [makeFinding(account: admin.accountId, detectorId: adminDetector, id: "a1")])
            try await server.ingest(
                member, detectorId: memberDetector, [makeFinding(account: member.accountId, detectorId: memberDetector, id: "m1")])
            try await server.ingest(
                outsider, detectorId: outsiderDetector, [makeFinding(account: outsider.accountId, detectorId: outsiderDetector, id: "o1")])
            let adminView = try await server.call(admin, .post, "/detector/\(adminDetector)/findings", json: "{}")
            #expect(Set(self.ids(adminView)) == ["a1", "m1"])
            let memberView = try await server.call(member, .post, "/detector/\(memberDetector)/findings", json: "{}")
            #expect(self.ids(memberView) == ["m1"])
            #expect(try await self.findings(server, outsider, outsiderDetector, ["a1", "m1", "o1"]).map { $0["id"] as? String } == ["o1"])
            // Narrowed to one account; members cannot archive, the administrator can.
            let narrowed = try await server.call(
                admin, .post, "/detector/\(adminDetector)/findings",
                json: #"{"findingCriteria":{"criterion":{"accountId":{"eq":["\#(member.accountId)"]}}}}"#
            )
            #expect(self.ids(narrowed) == ["m1"])
            let refused = try await server.call(member, .post, "/detector/\(memberDetector)/findings/archive", json: #"{"findingIds":["m1"]}"#)
            #expect(refused.status == 400)
            #expect(try await server.call(admin, .post, "/detector/\(adminDetector)/findings/archive", json: #"{"findingIds":["m1"]}"#).status == 200)
            let current = try await server.call(
                admin, .post, "/detector/\(adminDetector)/findings",
                json: #"{"findingCriteria":{"criterion":{"service.archived":{"equals":["false"]}}}}"#
            )
            #expect(self.ids(current) == ["a1"])
            let archived = try await self.findings(server, admin, adminDetector, ["m1"])
            #expect((archived.first?["service"] as? [String: Any])?["archived"] as? Bool == true)
            // New occurrences bring a manually archived finding back.
            try await server.ingest(
                member, detectorId: memberDetector,
                [makeFinding(account: member.accountId, detectorId: memberDetector, id: "m1", updatedAt: "2026-11-21T00:00:00.000Z", count: 2)])
            #expect(
                Set(
                    self.ids(
                        try await server.call(
                            admin, .post, "/detector/\(adminDetector)/findings",
                            json: #"{"findingCriteria":{"criterion":{"service.archived":{"eq":["false"]}}}}"#))) == ["a1", "m1"])
        }
    }

    @Test func everyConditionKeySelectsWhatItSays() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            let batch = [
                makeFinding(
                    account: key.accountId, detectorId: detector, id: "low", severity: 2, updatedAt: "2026-11-20T10:00:00.000Z", instanceId: "i-aaa",
                    remoteIp: "198.51.100.1"),
                makeFinding(
                    account: key.accountId, detectorId: detector, id: "mid", type: "Recon:EC2/Portscan", severity: 5,
                    updatedAt: "2026-11-20T11:00:00.000Z", instanceId: "i-bbb", remoteIp: "198.51.100.2"),
                makeFinding(
                    account: key.accountId, detectorId: detector, id: "high", type: "CryptoCurrency:EC2/BitcoinTool.B", severity: 8,
                    updatedAt: "2026-11-20T12:00:00.000Z", instanceId: "i-ccc", remoteIp: "198.51.100.3"),
            ]
            try await server.ingest(key, detectorId: detector, batch)
            func list(_ criterion: String, sort: String = #"{"attributeName":"severity","orderBy":"ASC"}"#) async throws -> [String] {
                let response = try await server.call(
                    key, .post, "/detector/\(detector)/findings", json: #"{"findingCriteria":{"criterion":\#(criterion)},"sortCriteria":\#(sort)}"#
                )
                #expect(response.status == 200, "\(criterion): \(response.body)")
                return self.ids(response)
            }
            let noon: Int64 = 1_795_176_000_000  // 2026-11-20T12:00:00Z
            #expect(try await list(#"{"severity":{"gte":7}}"#) == ["high"])
            #expect(try await list(#"{"severity":{"greaterThanOrEqual":5}}"#) == ["mid", "high"])
            #expect(try await list(#"{"severity":{"gt":5}}"#) == ["high"])
            #expect(try await list(#"{"severity":{"lessThan":5}}"#) == ["low"])
            #expect(try await list(#"{"severity":{"lte":5}}"#) == ["low", "mid"])
            #expect(try await list(#"{"severity":{"equals":["2","8"]}}"#) == ["low", "high"])
            #expect(try await list(#"{"type":{"neq":["Recon:EC2/Portscan"]}}"#) == ["low", "high"])
            #expect(try await list(#"{"type":{"notEquals":["Recon:EC2/Portscan","CryptoCurrency:EC2/BitcoinTool.B"]}}"#) == ["low"])
            #expect(try await list(#"{"updatedAt":{"greaterThanOrEqual":\#(noon)}}"#) == ["high"])
            #expect(try await list(#"{"updatedAt":{"lt":\#(noon)}}"#) == ["low", "mid"])
            #expect(try await list(#"{"resource.instanceDetails.instanceId":{"eq":["i-bbb"]}}"#) == ["mid"])
            #expect(
                try await list(#"{"service.action.networkConnectionAction.remoteIpDetails.ipAddressV4":{"equals":["198.51.100.3"]}}"#) == ["high"])
            #expect(try await list(#"{"service.action.networkConnectionAction.localPortDetails.port":{"equals":["22"]}}"#).count == 3)
            #expect(try await list(#"{"resource.resourceType":{"eq":["Instance"]},"severity":{"lt":8}}"#) == ["low", "mid"])
            #expect(
                try await list(#"{"service.resourceRole":{"eq":["TARGET"]}}"#, sort: #"{"attributeName":"updatedAt","orderBy":"DESC"}"#) == [
                    "high", "mid", "low",
                ])
            #expect(try await list(#"{"accountId":{"eq":["000000000000"]}}"#).isEmpty)
            // matches is for filters only; a bad value is a clear 400.
            let matches = try await server.call(
                key, .post, "/detector/\(detector)/findings", json: #"{"findingCriteria":{"criterion":{"type":{"matches":["Recon*"]}}}}"#)
            #expect(matches.status == 400)
            let badFlag = try await server.call(
                key, .post, "/detector/\(detector)/findings", json: #"{"findingCriteria":{"criterion":{"service.archived":{"eq":["maybe"]}}}}"#)
            #expect(badFlag.status == 400)
        }
    }

    @Test func pagesAreStableWhileNewFindingsArrive() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            let initial = (0..<25).map { index in
                makeFinding(
                    account: key.accountId, detectorId: detector, id: String(format: "p%02d", index),
                    updatedAt: String(format: "2026-11-20T10:%02d:00.000Z", index))
            }
            try await server.ingest(key, detectorId: detector, initial)
            var seen: [String] = []
            var token: String? = nil
            var page = 0
            repeat {
                let body = token.map { #"{"maxResults":10,"nextToken":"\#($0)"}"# } ?? #"{"maxResults":10}"#
                let response = try await server.call(key, .post, "/detector/\(detector)/findings", json: body)
                seen += self.ids(response)
                token = response.body["nextToken"] as? String
                // Newer findings arrive between pages: they belong before the first page, not in the pages still to come.
                try await server.ingest(
                    key, detectorId: detector,
                    [makeFinding(account: key.accountId, detectorId: detector, id: "new\(page)", updatedAt: "2026-11-21T00:0\(page):00.000Z")])
                page += 1
            } while token != nil
            #expect(seen == initial.map(\.id).reversed())
        }
    }

    @Test func statisticsCountByEveryGrouping() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            try await server.ingest(
                key, detectorId: detector,
                [
                    makeFinding(account: key.accountId, detectorId: detector, id: "s1", severity: 2, instanceId: "i-1"),
                    makeFinding(account: key.accountId, detectorId: detector, id: "s2", severity: 2, instanceId: "i-1", remoteIp: "198.51.100.9"),
                    makeFinding(
                        account: key.accountId, detectorId: detector, id: "s3", type: "CryptoCurrency:EC2/BitcoinTool.B", severity: 8,
                        instanceId: "i-2"),
                ])
            let legacy = try await server.call(
                key, .post, "/detector/\(detector)/findings/statistics", json: #"{"findingStatisticTypes":["COUNT_BY_SEVERITY"]}"#)
            #expect((legacy.body["findingStatistics"] as? [String: Any])?["countBySeverity"] as? [String: Int] == ["2.0": 2, "8.0": 1])
            func grouped(_ groupBy: String, _ member: String, extra: String = "") async throws -> [[String: Any]] {
                let response = try await server.call(
                    key, .post, "/detector/\(detector)/findings/statistics", json: #"{"groupBy":"\#(groupBy)"\#(extra)}"#)
                #expect(response.status == 200, "\(response.body)")
                return (response.body["findingStatistics"] as? [String: Any])?[member] as? [[String: Any]] ?? []
            }
            let byAccount = try await grouped("ACCOUNT", "groupedByAccount")
            #expect(byAccount.count == 1 && byAccount[0]["accountId"] as? String == key.accountId && byAccount[0]["totalFindings"] as? Int == 3)
            #expect(byAccount[0]["lastGeneratedAt"] is Double)
            let byType = try await grouped("FINDING_TYPE", "groupedByFindingType")
            #expect(byType.map { $0["findingType"] as? String } == ["UnauthorizedAccess:EC2/SSHBruteForce", "CryptoCurrency:EC2/BitcoinTool.B"])
            let ascending = try await grouped("FINDING_TYPE", "groupedByFindingType", extra: #","orderBy":"ASC","maxResults":1"#)
            #expect(ascending.map { $0["totalFindings"] as? Int } == [1])
            let byResource = try await grouped("RESOURCE", "groupedByResource")
            #expect(byResource.first?["resourceId"] as? String == "i-1" && byResource.first?["totalFindings"] as? Int == 2)
            #expect(byResource.first?["resourceType"] as? String == "Instance")
            let bySeverity = try await grouped("SEVERITY", "groupedBySeverity")
            #expect(bySeverity.map { $0["severity"] as? Double } == [2, 8])
            let byDate = try await grouped("DATE", "groupedByDate")
            #expect(byDate.first?["totalFindings"] as? Int == 3 && byDate.first?["date"] as? Double == 1_795_132_800)
            let filtered = try await server.call(
                key, .post, "/detector/\(detector)/findings/statistics",
                json: #"{"groupBy":"ACCOUNT","findingCriteria":{"criterion":{"severity":{"gte":7}}}}"#
            )
            #expect(
                ((filtered.body["findingStatistics"] as? [String: Any])?["groupedByAccount"] as? [[String: Any]])?.first?["totalFindings"] as? Int
                    == 1)
            let neither = try await server.call(key, .post, "/detector/\(detector)/findings/statistics", json: "{}")
            #expect(neither.status == 400)
        }
    }

    @Test func suppressionRulesArchiveMatchingFindingsNowAndAtIngest() async throws {
        try await TestServer.run { server in
            let (admin, adminDetector, member, memberDetector) = try await server.enrolledPair()
            try await server.ingest(
                member, detectorId: memberDetector,
                [makeFinding(account: member.accountId, detectorId: memberDetector, id: "before", remoteIp: "192.0.2.10")])
            let rule =
                #"{"name":"scanner-noise","action":"ARCHIVE","rank":1,"findingCriteria":{"criterion":{"service.action.networkConnectionAction.remoteIpDetails.ipAddressV4":{"matches":["192.0.2.*"]}}}}"#
            // Only the administrator makes suppression rules.
            #expect(try await server.call(member, .post, "/detector/\(memberDetector)/filter", json: rule).status == 400)
            let created = try await server.call(admin, .post, "/detector/\(adminDetector)/filter", json: rule)
            #expect(created.body["name"] as? String == "scanner-noise")
            let stored = try await server.ingest(
                member, detectorId: memberDetector,
                [
                    makeFinding(account: member.accountId, detectorId: memberDetector, id: "after", remoteIp: "192.0.2.99"),
                    makeFinding(account: member.accountId, detectorId: memberDetector, id: "other", remoteIp: "203.0.113.5"),
                ])
            #expect(stored.body["suppressed"] as? Int == 1)
            let current = try await server.call(
                admin, .post, "/detector/\(adminDetector)/findings", json: #"{"findingCriteria":{"criterion":{"service.archived":{"eq":["false"]}}}}"#
            )
            #expect(self.ids(current) == ["other"])
            let archived = try await server.call(
                admin, .post, "/detector/\(adminDetector)/findings", json: #"{"findingCriteria":{"criterion":{"service.archived":{"eq":["true"]}}}}"#)
            #expect(Set(self.ids(archived)) == ["before", "after"])
            // A suppressed finding stays archived when new occurrences arrive.
            try await server.ingest(
                member, detectorId: memberDetector,
                [
                    makeFinding(
                        account: member.accountId, detectorId: memberDetector, id: "after", updatedAt: "2026-11-22T00:00:00.000Z", count: 5,
                        remoteIp: "192.0.2.99")
                ])
            #expect(
                self.ids(
                    try await server.call(
                        admin, .post, "/detector/\(adminDetector)/findings",
                        json: #"{"findingCriteria":{"criterion":{"service.archived":{"eq":["false"]}}}}"#)) == ["other"])
            // The filter reads back as written; list, update, delete.
            let got = try await server.call(admin, .get, "/detector/\(adminDetector)/filter/scanner-noise")
            #expect(got.body["action"] as? String == "ARCHIVE" && got.body["rank"] as? Int == 1)
            #expect(try await server.call(admin, .get, "/detector/\(adminDetector)/filter").body["filterNames"] as? [String] == ["scanner-noise"])
            #expect(try await server.call(admin, .post, "/detector/\(adminDetector)/filter/scanner-noise", json: #"{"action":"NOOP"}"#).status == 200)
            #expect(try await server.call(admin, .get, "/detector/\(adminDetector)/filter/scanner-noise").body["action"] as? String == "NOOP")
            #expect(try await server.call(admin, .delete, "/detector/\(adminDetector)/filter/scanner-noise").status == 200)
            #expect(try await server.call(admin, .get, "/detector/\(adminDetector)/filter/scanner-noise").status == 404)
            #expect(
                try await server.call(
                    admin, .post, "/detector/\(adminDetector)/filter", json: #"{"name":"x","findingCriteria":{"criterion":{"type":{"eq":["a"]}}}}"#
                ).status == 400)
        }
    }

    @Test func sampleFindingsCoverTheCatalogueAndAreMarkedAsSamples() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            #expect(try await server.call(key, .post, "/detector/\(detector)/findings/create", json: "{}").status == 200)
            // The catalogue holds more types than one statistics page (100): the EKS types and the others, a page each.
            var types: [String] = []
            for test in [#"{"eq":["EKSCluster"]}"#, #"{"neq":["EKSCluster"]}"#] {
                let samples = try await server.call(
                    key, .post, "/detector/\(detector)/findings/statistics",
                    json:
                        #"{"groupBy":"FINDING_TYPE","maxResults":100,"findingCriteria":{"criterion":{"service.additionalInfo.sample":{"eq":["true"]},"#
                        + #""resource.resourceType":\#(test)}}}"#
                )
                let page = ((samples.body["findingStatistics"] as? [String: Any])?["groupedByFindingType"] as? [[String: Any]])?.compactMap {
                    $0["findingType"] as? String
                }
                #expect((page ?? []).count < 100)
                types += page ?? []
            }
            #expect(Set(types) == Set(FindingCatalog.all.keys))
            let one = try await server.call(key, .post, "/detector/\(detector)/findings/create", json: #"{"findingTypes":["Recon:EC2/Portscan"]}"#)
            #expect(one.status == 200)
            let listed = try await server.call(
                key, .post, "/detector/\(detector)/findings", json: #"{"findingCriteria":{"criterion":{"type":{"eq":["Recon:EC2/Portscan"]}}}}"#)
            #expect(self.ids(listed).count == 2)
            let unknown = try await server.call(key, .post, "/detector/\(detector)/findings/create", json: #"{"findingTypes":["Nope:EC2/Nothing"]}"#)
            #expect(unknown.status == 400)
            let document = try await self.findings(server, key, detector, [self.ids(listed)[0]]).first
            let info = (document?["service"] as? [String: Any])?["additionalInfo"] as? [String: Any]
            #expect(info?["value"] as? String == #"{"sample":true}"#)
        }
    }

    @Test func retentionDropsWholeWeeksOlderThanNinetyDaysAndKeepsTheRest() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            try await server.ingest(key, detectorId: detector, [makeFinding(account: key.accountId, detectorId: detector, id: "recent")])
            // A week of findings stored 20 weeks ago.
            let old = try await server.postgres.query("SELECT (date_trunc('week', now() AT TIME ZONE 'UTC') - interval '20 weeks')::date::text")
                .decode(String.self)
            var week = ""
            for try await (value) in old { week = value }
            let name = "findings_" + week.replacingOccurrences(of: "-", with: "")
            try await server.postgres.query(
                PostgresQuery(unsafeSQL: "CREATE TABLE \(name) PARTITION OF findings FOR VALUES FROM ('\(week)') TO ('\(week)'::date + 7)"))
            try await server.postgres.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO findings (created_week, account_id, region, finding_id, detector_id, type, severity, count, created_at, updated_at, resource_type, finding)
                        VALUES ('\(week)', '\(key.accountId)', 'us-east-1', 'ancient', '\(detector)', 'Recon:EC2/Portscan', 5, 1, now(), now(), 'Instance', '{}')
                        """))
            var dropped = 0
            for try await (value) in try await server.postgres.query("SELECT guardpost_maintain_finding_partitions()").decode(Int.self) {
                dropped = value
            }
            #expect(dropped == 1)
            var remaining: [String] = []
            for try await (id) in try await server.postgres.query("SELECT finding_id FROM findings ORDER BY 1").decode(String.self) {
                remaining.append(id)
            }
            #expect(remaining == ["recent"])
        }
    }

    @Test func statisticsFromTheRollupAgreeWithCountingTheFindings() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            let batch = (0..<30).map { index in
                makeFinding(
                    account: key.accountId, detectorId: detector, id: "r\(index)",
                    type: index % 2 == 0 ? "Recon:EC2/Portscan" : "UnauthorizedAccess:EC2/SSHBruteForce",
                    severity: [2, 5, 8][index % 3], updatedAt: String(format: "2026-11-%02dT10:00:00.000Z", 10 + index % 5))
            }
            try await server.ingest(key, detectorId: detector, batch)
            // Concurrent ingest over several connections: overlapping batches of the same account (new findings, new
            // occurrences that move findings to another day and severity, replays and older copies), and another account's.
            let other = try await server.account()
            let otherDetector = try await server.createDetector(other)
            let batches: [(IssuedAccessKey, String, [Finding])] = (0..<8).map { round in
                let findings = (0..<40).map { index in
                    let id = "c\((round * 20 + index) % 90)"
                    return makeFinding(
                        account: key.accountId, detectorId: detector, id: id, type: index % 3 == 0 ? "Recon:EC2/Portscan" : "Backdoor:EC2/Spambot",
                        severity: [2, 5, 8][(round + index) % 3], updatedAt: String(format: "2026-11-%02dT10:00:%02d.000Z", 10 + round % 4, index),
                        count: 1 + round)
                }
                return round % 4 == 3
                    ? (other, otherDetector, findings.map { makeFinding(account: other.accountId, detectorId: otherDetector, id: $0.id) })
                    : (key, detector, round % 2 == 0 ? findings : findings.reversed())
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (owner, ownerDetector, findings) in batches + batches.prefix(3) {
                    group.addTask {
                        let stored = try await server.ingest(owner, detectorId: ownerDetector, findings)
                        #expect(stored.status == 200, "\(stored.body)")
                    }
                }
                try await group.waitForAll()
            }
            // Moves that change the rolled-up keys: archive, unarchive, a new occurrence on another day, a severity change.
            try await server.call(key, .post, "/detector/\(detector)/findings/archive", json: #"{"findingIds":["r1","r2","r3"]}"#)
            try await server.call(key, .post, "/detector/\(detector)/findings/unarchive", json: #"{"findingIds":["r3"]}"#)
            var moved = batch[4]
            moved.updatedAt = "2026-11-25T00:00:00.000Z"
            moved.service.count = 9
            moved.severity = 8
            try await server.ingest(key, detectorId: detector, [moved])
            func statistics(_ groupBy: String, _ criterion: String) async throws -> [[String: Any]] {
                let response = try await server.call(
                    key, .post, "/detector/\(detector)/findings/statistics",
                    json: #"{"groupBy":"\#(groupBy)","maxResults":100,"findingCriteria":{"criterion":\#(criterion)}}"#
                )
                let groups = (response.body["findingStatistics"] as? [String: Any])?.values.first as? [[String: Any]] ?? []
                func groupKey(_ group: [String: Any]) -> String {
                    ["accountId", "date", "findingType", "severity"].map { "\(group[$0] ?? "")" }.joined(separator: "|")
                }
                return groups.sorted { groupKey($0) < groupKey($1) }
            }
            // `id notEquals` cannot be answered from the rollup: the same question, counted from the findings.
            for groupBy in ["ACCOUNT", "DATE", "FINDING_TYPE", "SEVERITY"] {
                for criterion in [#"{"service.archived":{"eq":["false"]}}"#, #"{"severity":{"gte":5}}"#] {
                    let rolled = try await statistics(groupBy, criterion)
                    let counted = try await statistics(groupBy, String(criterion.dropLast()) + #","id":{"neq":["none"]}}"#)
                    let totals = { (groups: [[String: Any]]) in groups.map { $0["totalFindings"] as? Int ?? -1 } }
                    #expect(totals(rolled) == totals(counted), "\(groupBy) \(criterion)")
                    #expect(!rolled.isEmpty)
                }
            }
            // Retention drops an old week's partition and its counts; then every rollup key holds exactly the findings'
            // count, for every account (the other account's included).
            let week =
                try await server.postgres.query("SELECT (date_trunc('week', now() AT TIME ZONE 'UTC') - interval '20 weeks')::date::text")
                .decode(String.self).first { _ in true } ?? ""
            try await server.postgres.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TABLE findings_\(week.replacingOccurrences(of: "-", with: "")) PARTITION OF findings FOR VALUES FROM ('\(week)') TO ('\(week)'::date + 7);
                        """))
            try await server.postgres.query(
                """
                INSERT INTO findings (created_week, account_id, region, finding_id, detector_id, type, severity, count, created_at, updated_at, resource_type, finding)
                SELECT \(week)::date, \(key.accountId), 'us-east-1', 'old' || n, \(detector), 'Recon:EC2/Portscan', 5, 1, now(), now(), 'Instance', '{}'
                FROM generate_series(1, 5) n
                """)
            #expect(try await self.rollupMismatches(server) == 0)
            try await server.postgres.query("SELECT guardpost_maintain_finding_partitions()")
            #expect(try await self.rollupMismatches(server) == 0)
            var accounts: [String] = []
            for try await (account) in try await server.postgres.query("SELECT DISTINCT account_id FROM finding_stats WHERE total > 0 ORDER BY 1")
                .decode(String.self)
            {
                accounts.append(account)
            }
            #expect(accounts == [key.accountId, other.accountId].sorted())
        }
    }

    /// Rollup keys whose count differs from counting the findings (either way).
    func rollupMismatches(_ server: TestServer) async throws -> Int {
        let counted = """
            SELECT account_id, region, created_week, (updated_at AT TIME ZONE 'UTC')::date, type, severity, archived, count(*)
            FROM findings GROUP BY 1, 2, 3, 4, 5, 6, 7
            """
        let rolled = "SELECT account_id, region, created_week, day, type, severity, archived, total FROM finding_stats WHERE total <> 0"
        let query = PostgresQuery(
            unsafeSQL: "SELECT count(*)::int FROM ((\(counted) EXCEPT \(rolled)) UNION ALL (\(rolled) EXCEPT \(counted))) mismatched")
        for try await (count) in try await server.postgres.query(query).decode(Int.self) { return count }
        return -1
    }

    @Test func theRollupIsWrittenOncePerKeyPerStatementNotOncePerFinding() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            // 600 findings of three rollup keys, stored by one statement, and then all archived by one: the rollup
            // takes three row writes for each, not one per finding (what this transaction wrote, as PostgreSQL counts it).
            let writes = try await server.postgres.withTransaction(logger: TestDatabase.logger) { connection -> [Int] in
                try await connection.query(
                    """
                    INSERT INTO findings (created_week, account_id, region, finding_id, detector_id, type, severity, count, created_at, updated_at, resource_type, finding)
                    SELECT date_trunc('week', now() AT TIME ZONE 'UTC')::date, \(key.accountId), 'us-east-1', 'w' || n, \(detector),
                           'Recon:EC2/Portscan', (ARRAY[2, 5, 8])[1 + n % 3], 1, now(), now(), 'Instance', '{}'
                    FROM generate_series(1, 600) n
                    """, logger: TestDatabase.logger
                )
                var writes: [Int] = []
                let written = """
                    SELECT (pg_stat_get_xact_tuples_inserted('finding_stats'::regclass) + pg_stat_get_xact_tuples_updated('finding_stats'::regclass))::int
                    """
                for try await (count) in try await connection.query(PostgresQuery(unsafeSQL: written), logger: TestDatabase.logger).decode(Int.self) {
                    writes.append(count)
                }
                try await connection.query("UPDATE findings SET archived = true WHERE account_id = \(key.accountId)", logger: TestDatabase.logger)
                for try await (count) in try await connection.query(PostgresQuery(unsafeSQL: written), logger: TestDatabase.logger).decode(Int.self) {
                    writes.append(count)
                }
                return writes
            }
            // Three keys inserted; then three keys emptied and three filled.
            #expect(writes == [3, 9])
            #expect(try await self.rollupMismatches(server) == 0)
        }
    }
}
