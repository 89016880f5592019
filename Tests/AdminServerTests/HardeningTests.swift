import Crypto
import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import NIOCore
import PostgresNIO
import Testing

@testable import AdminServer

/// What one ordinary account must not be able to do to the server or through it (issue 13): impossible numbers,
/// requests routed other than signed, sessions outliving their key, buckets not granted, one account's lists
/// holding another's, and the address classes the server never connects to on an account's behalf.
@Suite("Hardening")
struct HardeningTests {
    func heartbeatJSON(agent: String, detector: String, sources: [(String, Int)]) -> String {
        let list = sources.map { source, count in
            #"{"dataSource":"\#(source)","path":"/logs","records":0,"errors":0,"recordsSinceLast":\#(count),"bytesSinceLast":\#(count)}"#
        }.joined(separator: ",")
        return #"{"agentId":"\#(agent)","detectorId":"\#(detector)","hostname":"h","version":"1","configVersion":0,"sources":[\#(list)]}"#
    }

    @Test func impossibleHeartbeatCountersAreRefusedAndUsageSumsSaturate() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            // Two sources whose counters add past Int64.max, and one at Int64.max: 400, nothing stored.
            for sources in [[("FLOW_LOGS", Int.max / 2 + 1), ("FLOW_LOGS", Int.max / 2 + 1)], [("DNS_LOGS", Int.max)]] {
                let answer = try await server.call(
                    key, .post, "/agent/v1/heartbeat", json: self.heartbeatJSON(agent: "agent-overflow1", detector: detector, sources: sources))
                #expect(answer.status == 400)
                #expect(answer.errorType == "BadRequestException")
            }
            // The largest allowed counters, reported again and again, saturate the day's sum instead of failing.
            try await server.postgres.query(
                """
                INSERT INTO usage_daily (account_id, region, day, data_source, records, bytes)
                VALUES (\(key.accountId), 'us-east-1', (now() AT TIME ZONE 'UTC')::date, 'DNS_LOGS', 9223372036854775000, 9223372036854775000)
                """
            )
            let most = AgentHeartbeat.maxCounter
            let accepted = try await server.call(
                key, .post, "/agent/v1/heartbeat",
                json: self.heartbeatJSON(agent: "agent-overflow1", detector: detector, sources: [("DNS_LOGS", most), ("DNS_LOGS", most)])
            )
            #expect(accepted.status == 200)
            func total(_ unit: String) async throws -> [String: Any]? {
                let usage = try await server.call(
                    key, .post, "/detector/\(detector)/usage/statistics",
                    json: #"{"usageStatisticsType":"SUM_BY_DATA_SOURCE","usageCriteria":{"dataSources":["DNS_LOGS"]},"unit":"\#(unit)"}"#
                )
                #expect(usage.status == 200)
                let rows = try require((usage.body["usageStatistics"] as? [String: Any])?["sumByDataSource"] as? [[String: Any]])
                return rows.first?["total"] as? [String: Any]
            }
            #expect(try await total("RECORDS")?["amount"] as? String == String(Int64.max))
            // In USD, the saturated bytes go through every tier of the flow/DNS meter.
            let meter = try require(PriceTable.bundled.meter(for: "DNS_LOGS"))
            let priced = UsageCost.format(UsageCost.tiered(Decimal(Int.max) / meter.perUnit, meter.tiers))
            #expect(try await total("USD")?["amount"] as? String == priced)
        }
    }

    /// A new account and its detector in us-east-1, through `stores`.
    static func accountWithDetector(_ stores: PostgresStores, _ accountId: String) async throws -> (Caller, String) {
        _ = try await stores.accounts.createAccount(accountId: accountId, email: "a@example.com", name: nil, organizationManagement: false)
        let caller = Caller(accountId: accountId, region: "us-east-1")
        let detector = try await stores.detectors.createDetector(
            caller: caller, request: try JSONDecoder().decode(CreateDetectorRequest.self, from: Data(#"{"enable": true}"#.utf8))
        )
        return (caller, detector)
    }

    @Test func agentsPastTheAccountLimitAreRefusedAndKnownAgentsKeepReporting() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(
                client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger, maxAgentsPerAccount: 2)
            let (caller, detector) = try await Self.accountWithDetector(stores, "444444444444")
            func beat(_ agent: String) async throws {
                try await stores.agentChannel.heartbeat(
                    caller: caller,
                    heartbeat: AgentHeartbeat(
                        agentId: agent, detectorId: detector, hostname: "h", version: "1", configVersion: 0, sources: []
                    ))
            }
            try await beat("agent-0000001")
            try await beat("agent-0000002")
            await #expect(throws: GuardDutyError.self) { try await beat("agent-0000003") }
            try await beat("agent-0000001")
            // A restarted replica (a new store over the same database) knows none of them: its first heartbeats
            // register, and known agents of a full account are still taken, a new one still refused.
            let restarted = PostgresStores(
                client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger, maxAgentsPerAccount: 2)
            #expect(restarted.agentChannel.registered.count == 0)
            for agent in ["agent-0000002", "agent-0000001", "agent-0000002"] {
                try await restarted.agentChannel.heartbeat(
                    caller: caller,
                    heartbeat: AgentHeartbeat(agentId: agent, detectorId: detector, hostname: "h", version: "1", configVersion: 0, sources: []))
            }
            await #expect(throws: GuardDutyError.self) {
                try await restarted.agentChannel.heartbeat(
                    caller: caller,
                    heartbeat: AgentHeartbeat(
                        agentId: "agent-0000003", detectorId: detector, hostname: "h", version: "1", configVersion: 0, sources: []))
            }
        }
    }

    @Test func concurrentRegistrationsThroughTwoReplicasStopExactlyAtTheLimit() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let replicas = (0..<2).map { _ in
                PostgresStores(
                    client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger, maxAgentsPerAccount: 3)
            }
            let (caller, detector) = try await Self.accountWithDetector(replicas[0], "444444444446")
            let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<12 {
                    group.addTask {
                        do {
                            try await replicas[n % 2].agentChannel.heartbeat(
                                caller: caller,
                                heartbeat: AgentHeartbeat(
                                    agentId: "agent-race\(n)", detectorId: detector, hostname: "h", version: "1", configVersion: 0, sources: []))
                            return true
                        } catch is GuardDutyError {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(taken == 3)
            var stored = 0
            for try await count in try await client.query("SELECT count(*)::int FROM agents WHERE account_id = '444444444446'").decode(Int.self) {
                stored = count
            }
            #expect(stored == 3)
        }
    }

    @Test func aStartingReplicaLearnsTheAgentsSeenLatelyAndNotTheSilentOnes() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            let (caller, detector) = try await Self.accountWithDetector(stores, "444444444447")
            for agent in ["agent-lately01", "agent-silent01"] {
                try await stores.agentChannel.heartbeat(
                    caller: caller,
                    heartbeat: AgentHeartbeat(agentId: agent, detectorId: detector, hostname: "h", version: "1", configVersion: 0, sources: []))
            }
            _ = try await client.query("UPDATE agents SET last_seen = now() - interval '1 day' WHERE agent_id = 'agent-silent01'").collect()
            let starting = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            await starting.agentChannel.rememberRecentAgents()
            #expect(starting.agentChannel.registered.contains("agent-lately01", accountId: "444444444447", region: "us-east-1"))
            #expect(!starting.agentChannel.registered.contains("agent-silent01", accountId: "444444444447", region: "us-east-1"))
            #expect(starting.agentChannel.registered.count == 1)
        }
    }

    @Test func consoleSessionsEndWithTheirKeyTheirRegionAndTheirAbsoluteLifetime() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            func signIn() async throws -> String {
                try require(
                    try await server.stores.consoleSessions.signIn(
                        accessKeyId: key.accessKeyId, secret: key.secretAccessKey, region: "us-east-1", accounts: server.stores.accounts
                    ))
            }
            let token = try await signIn()
            #expect(try await server.stores.consoleSessions.session(token: token) != nil)
            try await server.postgres.query("UPDATE console_sessions SET absolute_expires_at = now() - interval '1 second'")
            #expect(try await server.stores.consoleSessions.session(token: token) == nil, "past its absolute end, however busy")

            let second = try await signIn()
            try await server.stores.regions.setRegion("us-east-1", enabled: false)
            #expect(try await server.stores.consoleSessions.session(token: second) == nil, "a region no longer served")
            try await server.stores.regions.setRegion("us-east-1", enabled: true)
            #expect(try await server.stores.consoleSessions.session(token: second) != nil)

            try await server.stores.accounts.revokeAccessKey(accessKeyId: key.accessKeyId)
            #expect(try await server.stores.consoleSessions.session(token: second) == nil, "the key it signed in with is revoked")
        }
    }

    @Test func requestsNotInCanonicalFormAreRefusedBeforeRouting() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            for path in ["/detector/../detector", "/detector/./\(detector)", "//detector", "/%64etector", "/detector/%zz"] {
                let answer = try await server.call(key, .get, path)
                #expect(answer.status == 400, "\(path)")
                #expect(answer.errorType == "BadRequestException", "\(path)")
            }
            // '+' is a plus sign for the signature and for the handler alike.
            let plus = try await server.call(key, .get, "/detector?maxResults=1&nextToken=a+b")
            let encoded = try await server.call(key, .get, "/detector?maxResults=1&nextToken=a%2Bb")
            #expect(plus.status == 400)
            #expect(plus.status == encoded.status)
            #expect(plus.body["message"] as? String == encoded.body["message"] as? String)
            #expect(try await server.call(key, .get, "/detector/\(detector)").status == 200)
        }
    }

    @Test func s3LocationsNeedTheOperatorsGrantAndCleanKeys() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            func createList(_ location: String) async throws -> (status: Int, message: String?) {
                let answer = try await server.call(
                    key, .post, "/detector/\(detector)/threatintelset",
                    json: #"{"name":"t\#(Int.random(in: 0...1_000_000))","format":"TXT","location":"\#(location)","activate":true}"#
                )
                return (answer.status, answer.body["message"] as? String)
            }
            let refused = try await createList("s3://someone-elses-bucket/list.txt")
            #expect(refused.status == 400)
            #expect(refused.message?.contains("guardpost-admin s3 allow") == true)
            try await server.stores.s3Grants.allow(accountId: key.accountId, bucket: "own-bucket")
            #expect(try await createList("s3://own-bucket/lists/list.txt").status == 200)
            #expect(try await createList("https://own-bucket.s3.us-east-1.amazonaws.com/lists/list.txt").status == 200)
            #expect(try await createList("s3://own-bucket/lists/../../other/list.txt").status == 400)
            #expect(try await createList("s3://own-bucket/lists//list.txt").status == 400)
            #expect(try await createList("s3://own-bucket/").status == 400)
            #expect(try await createList("s3://own-bucket").status == 400)
            #expect(try await createList("https://s3.amazonaws.com/someone-elses-bucket/list.txt").status == 400)

            let destination = try await server.call(
                key, .post, "/detector/\(detector)/publishingDestination",
                json:
                    #"{"destinationType":"S3","destinationProperties":{"destinationArn":"arn:aws:s3:::someone-elses-bucket","kmsKeyArn":"arn:aws:kms:us-east-1:111111111111:key/x"}}"#
            )
            #expect(destination.status == 400)
            #expect(
                try await server.stores.s3Grants.list(accountId: key.accountId) == [S3BucketGrant(accountId: key.accountId, bucket: "own-bucket")])
        }
    }

    @Test func oneAccountsActivationsNeverHoldAnothersAndTakeOneAtATime() async throws {
        // Stores alone (no activator running), so the test decides who claims what.
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            var detectors: [String: String] = [:]
            for account in ["333333333331", "333333333332"] {
                _ = try await stores.accounts.createAccount(
                    accountId: account, email: "\(account)@example.com", name: nil, organizationManagement: false)
                detectors[account] = try await stores.detectors.createDetector(
                    caller: Caller(accountId: account, region: "us-east-1"),
                    request: try JSONDecoder().decode(CreateDetectorRequest.self, from: Data(#"{"enable": true}"#.utf8))
                )
            }
            for (account, name) in [("333333333331", "a"), ("333333333331", "b"), ("333333333332", "c")] {
                let request = try JSONDecoder().decode(
                    CreateListRequest.self,
                    from: Data(#"{"name":"\#(name)","format":"TXT","location":"https://example.com/\#(name).txt","activate":true}"#.utf8)
                )
                _ = try await stores.lists.createList(
                    caller: Caller(accountId: account, region: "us-east-1"), detectorId: try require(detectors[account]), kind: .threatIntelSet,
                    request: request
                )
            }
            let first = try require(try await stores.lists.claimActivation(leaseSeconds: 60))
            let second = try require(try await stores.lists.claimActivation(leaseSeconds: 60))
            #expect(first.accountId != second.accountId, "a second worker takes the other account's list")
            #expect(try await stores.lists.claimActivation(leaseSeconds: 60) == nil, "the first account's second list waits for its first")
            try await stores.lists.finishActivation(first, outcome: .failed("test"))
            #expect(try await stores.lists.claimActivation(leaseSeconds: 60)?.accountId == first.accountId, "then it is taken")
        }
    }

    @Test func internalAddressesAreRefusedUnlessTheOperatorAllowsThem() async throws {
        let policy = OutboundPolicy()
        let refused = [
            "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.251",
            "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "::7f00:1", "::ffff:0:7f00:1", "64:ff9b:1::7f00:1",
        ]
        for address in refused {
            #expect(policy.refusal(for: try require(IPNetwork.parseAddress(address))) != nil, "\(address)")
        }
        for address in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            #expect(policy.refusal(for: try require(IPNetwork.parseAddress(address))) == nil, "\(address)")
        }
        let allowing = OutboundPolicy(allowed: [try require(IPNetwork("127.0.0.2/32")), try require(IPNetwork("fd12::/16"))])
        #expect(allowing.refusal(for: try require(IPNetwork.parseAddress("127.0.0.2"))) == nil)
        #expect(allowing.refusal(for: try require(IPNetwork.parseAddress("127.0.0.1"))) != nil)
        #expect(allowing.refusal(for: try require(IPNetwork.parseAddress("fd12::5"))) == nil)
        // Names are resolved once and judged by every address they have.
        await #expect(throws: OutboundRefusal.self) { try await policy.resolve(host: "localhost") }
        await #expect(throws: OutboundRefusal.self) { try await policy.resolve(host: "[::1]") }
        #expect(try await allowing.resolve(host: "127.0.0.2") == "127.0.0.2")
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("not-an-address") == nil)
    }

    @Test func numbersThatWouldTrapWhenConvertedAreRefused() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            // A timestamp past year 9999 cannot be encoded for PostgreSQL: a 400, not a trap in the encoder.
            for criterion in [#"{"updatedAt":{"gte":9223372036854775807}}"#, #"{"updatedAt":{"eq":["-9223372036854775808"]}}"#] {
                let answer = try await server.call(
                    key, .post, "/detector/\(detector)/findings", json: #"{"findingCriteria":{"criterion":\#(criterion)}}"#)
                #expect(answer.status == 400, "\(criterion)")
            }
            // A long-poll wait that is not a finite number falls back to the default instead of trapping.
            let config = try await server.call(key, .get, "/agent/v1/config?detectorId=\(detector)&version=-1&wait=nan")
            #expect(config.status == 400 || config.status == 200)
            let known = try await server.call(key, .get, "/agent/v1/config?detectorId=\(detector)&wait=inf")
            #expect(known.status == 200)
        }
    }

    @Test func aTransactionWhoseRequestWasAnsweredByTheDeadlineRollsBackInsteadOfCommitting() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let context = PostgresStoreContext(client: client, logger: TestDatabase.logger, secrets: SecretBox(key: SymmetricKey(size: .bits256)))
            try await client.query("CREATE TABLE deadline_probe (n int)", logger: TestDatabase.logger).consume()
            /// A transaction that writes, then takes `seconds`; under `limit`, with `ended` finished once it is over.
            func write(_ n: Int, taking seconds: Double, within limit: Duration) async throws {
                let (ended, finished) = AsyncStream<Void>.makeStream()
                do {
                    _ = try await DatabaseDeadline.run(within: limit) {
                        defer { finished.finish() }
                        try await context.transaction { connection in
                            try await connection.query("INSERT INTO deadline_probe VALUES (\(n))", logger: TestDatabase.logger).consume()
                            try await connection.query("SELECT pg_sleep(\(seconds))", logger: TestDatabase.logger).consume()
                        }
                    }
                } catch {
                    for await _ in ended {}  // the abandoned work is over: committed or rolled back
                    throw error
                }
            }
            try await write(1, taking: 0, within: .seconds(30))
            await #expect(throws: DatabaseDeadline.Exceeded.self) { try await write(2, taking: 1, within: .milliseconds(100)) }
            var stored: [Int] = []
            for try await n in try await client.query("SELECT n FROM deadline_probe ORDER BY n", logger: TestDatabase.logger).decode(Int.self) {
                stored.append(n)
            }
            #expect(stored == [1])
        }
    }

    @Test func anAgentsConfigurationPollWaitsPastTheDatabaseDeadlineThatBoundsTheAPI() async throws {
        var configuration = ServerConfiguration()
        // Long enough for an ordinary request on a loaded machine, shorter than the poll's wait.
        configuration.databaseDeadline = .seconds(5)
        try await TestServer.run(configuration: configuration) { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            let version = try await server.configVersion(detector)
            // A long poll waits by design: answered unchanged when its wait is over, not cut off as a lost query.
            let poll = try await server.call(key, .get, "/agent/v1/config?detectorId=\(detector)&version=\(version)&wait=6")
            #expect(poll.status == 304)
            // The API's requests, bounded by the short deadline, are answered as usual when the database answers.
            #expect(try await server.call(key, .get, "/detector/\(detector)").status == 200)
            #expect(try await server.call(key, .get, "/detector/\(detector)/member?maxResults=5").status == 200)
        }
    }

    @Test func fetchesByNameAreFollowedThroughTheCheckedAddress() async throws {
        // A name resolves to loopback: refused before any connection, whatever port.
        let refused = GuardedHTTP(policy: OutboundPolicy())
        await #expect(throws: OutboundRefusal.self) {
            _ = try await refused.get("http://localhost:9/list.txt", limits: FetchLimits(maxBytes: 100, deadline: .seconds(5)))
        }
        // Allowed, the client is pinned to the checked address under the name (and, for IPv6, without brackets):
        // a closed port is a connection failure in our words, for names and literals alike.
        let allowed = GuardedHTTP(policy: OutboundPolicy(allowed: [try require(IPNetwork("127.0.0.0/8")), try require(IPNetwork("::1"))]))
        for url in ["http://localhost:9/list.txt", "http://127.0.0.1:9/list.txt", "http://[::1]:9/list.txt"] {
            do {
                _ = try await allowed.get(url, limits: FetchLimits(maxBytes: 100, deadline: .seconds(5)))
                Issue.record("\(url) answered on a closed port")
            } catch let failure as FetchFailure {
                #expect(!failure.description.contains("list.txt"), "only scheme, host and port are named")
            }
        }
    }

    @Test func valuesTheDatabaseWouldRefuseAre400sNot500s() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            // NUL in any JSON string, in a path or in a query.
            let nul = try await server.call(
                key, .post, "/detector/\(detector)/filter", json: #"{"name":"f1","findingCriteria":{"criterion":{"type":{"eq":["a\u0000b"]}}}}"#)
            #expect(nul.status == 400)
            #expect(try await server.call(key, .get, "/detector?nextToken=a%00b").status == 400)
            // A finding dated on a day that does not exist, or too large to store.
            var impossible = makeFinding(account: key.accountId, detectorId: detector, id: "f-impossible", updatedAt: "2024-02-30T00:00:00.000Z")
            #expect(try await server.ingest(key, detectorId: detector, [impossible]).status == 400)
            impossible.updatedAt = "2024-13-45T99:99:99.000Z"
            #expect(try await server.ingest(key, detectorId: detector, [impossible]).status == 400)
            var huge = makeFinding(account: key.accountId, detectorId: detector, id: "f-huge")
            huge.description = String(repeating: "x", count: 4000)
            huge.service.additionalInfo = .init(value: String(repeating: "y", count: 70_000), type: "default")
            #expect(try await server.ingest(key, detectorId: detector, [huge]).status == 400)
            #expect(
                try await server.ingest(key, detectorId: detector, [makeFinding(account: key.accountId, detectorId: detector, id: "f-fine")]).status
                    == 200)
            // A config version past the column's range.
            let heartbeat =
                #"{"agentId":"agent-version1","detectorId":"\#(detector)","hostname":"h","version":"1","configVersion":2147483648,"sources":[]}"#
            #expect(try await server.call(key, .post, "/agent/v1/heartbeat", json: heartbeat).status == 400)
            // Names are measured in Unicode scalars, not in grapheme clusters of unbounded size.
            let combining = "a" + String(repeating: "\u{301}", count: 400)
            let list = try await server.call(
                key, .post, "/detector/\(detector)/threatintelset",
                json: #"{"name":"\#(combining)","format":"TXT","location":"https://example.com/l.txt","activate":false}"#
            )
            #expect(list.status == 400)
        }
    }

    @Test func anAgentMovingToAnotherRegionIsCountedThere() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(
                client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger, maxAgentsPerAccount: 1)
            _ = try await stores.accounts.createAccount(accountId: "444444444445", email: "a@example.com", name: nil, organizationManagement: false)
            var detectors: [String: String] = [:]
            for region in ["us-east-1", "us-west-2"] {
                detectors[region] = try await stores.detectors.createDetector(
                    caller: Caller(accountId: "444444444445", region: region),
                    request: try JSONDecoder().decode(CreateDetectorRequest.self, from: Data(#"{"enable": true}"#.utf8))
                )
            }
            func beat(_ agent: String, _ region: String) async throws {
                try await stores.agentChannel.heartbeat(
                    caller: Caller(accountId: "444444444445", region: region),
                    heartbeat: AgentHeartbeat(
                        agentId: agent, detectorId: try require(detectors[region]), hostname: "h", version: "1", configVersion: 0, sources: []
                    ))
            }
            try await beat("agent-east0001", "us-east-1")
            try await beat("agent-east0002", "us-west-2")
            // us-west-2 is full: an agent of us-east-1 cannot move in past the limit.
            await #expect(throws: GuardDutyError.self) { try await beat("agent-east0001", "us-west-2") }
        }
    }

    @Test func anActivationThatNeverFinishesIsGivenUpAfterThreeClaims() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            let (caller, detector) = try await Self.accountWithDetector(stores, "333333333339")
            let request = try JSONDecoder().decode(
                CreateListRequest.self, from: Data(#"{"name":"crashy","format":"TXT","location":"https://example.com/x.txt","activate":true}"#.utf8)
            )
            _ = try await stores.lists.createList(caller: caller, detectorId: detector, kind: .threatIntelSet, request: request)
            // Each claim's lease ends without a finish, as when the server that claimed it stopped.
            var attempts: [Int] = []
            for _ in 0..<4 {
                let job = try require(try await stores.lists.claimActivation(leaseSeconds: 0))
                attempts.append(job.attempt)
                try await client.query("UPDATE lists SET claimed_until = now() - interval '1 second'")
            }
            #expect(attempts == [1, 2, 3, 4])
            let job = try require(try await stores.lists.claimActivation(leaseSeconds: 60))
            let activator = ListActivator(
                store: stores.lists, fetcher: ListFetcher(sources: ListSources(), guarded: GuardedHTTP(policy: OutboundPolicy())),
                client: .shared, wakeups: AsyncStream { $0.finish() }, logger: TestDatabase.logger
            )
            guard case .failed(let message) = await activator.activate(job) else {
                Issue.record("the fifth claim was fetched again")
                return
            }
            #expect(message.contains("without finishing"))
        }
    }

    @Test func aSTIXFileOfTooManyJSONObjectsIsRefusedBeforeItIsParsed() {
        let job = ListActivationJob(
            listId: "l", kind: .threatIntelSet, format: .stix, location: "https://example.com/x.json", expectedBucketOwner: nil, activationId: "a")
        let hostile = Array(("[" + Array(repeating: "{}", count: 1_000_001).joined(separator: ",") + "]").utf8)
        guard case .failed(let message) = ListActivator.outcome(parsing: hostile, job: job) else {
            Issue.record("parsed")
            return
        }
        #expect(message.contains("JSON objects"))
    }

    @Test func consoleSignInFromAnotherSiteIsRefused() {
        func request(_ headers: [(String, String)]) -> Request {
            var fields = HTTPFields()
            for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
            let head = HTTPRequest(method: .post, scheme: "http", authority: "admin.example:8080", path: "/console/login", headerFields: fields)
            return Request(head: head, body: .init(buffer: ByteBuffer()))
        }
        #expect(ConsoleRoutes.isSameOrigin(request([])))
        #expect(ConsoleRoutes.isSameOrigin(request([("Origin", "http://admin.example:8080"), ("Sec-Fetch-Site", "same-origin")])))
        #expect(!ConsoleRoutes.isSameOrigin(request([("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")])))
        #expect(!ConsoleRoutes.isSameOrigin(request([("Origin", "https://evil.example")])))
        #expect(!ConsoleRoutes.isSameOrigin(request([("Sec-Fetch-Site", "same-site")])))
    }

    @Test func s3KeysWithDotOrEmptySegmentsAreNeverRequested() {
        #expect(S3Location.problem(bucket: "good-bucket", key: "a/b/c.txt") == nil)
        for key in ["a/../b", "../x", "a//b", "a/./b", "", "a/"] {
            #expect(S3Location.problem(bucket: "good-bucket", key: key) != nil, "\(key)")
        }
        for bucket in ["Bad", "a", "x..y", "-", "bucket/evil"] {
            #expect(S3Location.problem(bucket: bucket, key: nil) != nil, "\(bucket)")
        }
    }
}
