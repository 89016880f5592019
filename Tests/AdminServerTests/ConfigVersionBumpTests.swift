import AdminServer
import Crypto
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// Config-version bumps of concurrent changes on a real PostgreSQL: a list activation that finishes while the
/// administrator changes a member's settings must neither deadlock with it nor be lost.
@Suite("Config version bumps")
struct ConfigVersionBumpTests {
    static let admin = Caller(accountId: "999999999999", region: "us-east-1")
    static let member = Caller(accountId: "111111111111", region: "us-east-1")

    /// An administrator with one Enabled member; the member's detector is created first, so that a scan of
    /// `detectors` meets it before the administrator's. Returns (administrator's detector, member's detector).
    func setUp(_ stores: PostgresStores, _ client: PostgresClient) async throws -> (String, String) {
        let enable = try JSONDecoder().decode(CreateDetectorRequest.self, from: Data(#"{"enable": true}"#.utf8))
        for caller in [Self.member, Self.admin] {
            _ = try await stores.accounts.createAccount(
                accountId: caller.accountId, email: "\(caller.accountId)@example.com", name: nil, organizationManagement: false)
        }
        let memberDetector = try await stores.detectors.createDetector(caller: Self.member, request: enable)
        let adminDetector = try await stores.detectors.createDetector(caller: Self.admin, request: enable)
        try await client.query(
            """
            INSERT INTO members (administrator_id, region, account_id, email, relationship_status)
            VALUES (\(Self.admin.accountId), 'us-east-1', \(Self.member.accountId), 'm@example.com', 'Enabled')
            """
        )
        return (adminDetector, memberDetector)
    }

    func value<T: PostgresDecodable>(_ client: PostgresClient, _ query: PostgresQuery, as type: T.Type) async throws -> T? {
        for try await value in try await client.query(query).decode(T.self) { return value }
        return nil
    }

    @Test func aListActivationFinishingDuringAMemberSettingsChangeIsStoredAndMovesTheVersion() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            let (adminDetector, memberDetector) = try await self.setUp(stores, client)
            let request = try JSONDecoder().decode(
                CreateListRequest.self, from: Data(#"{"name":"t","format":"TXT","location":"https://example.com/l.txt","activate":true}"#.utf8)
            )
            let listId = try await stores.lists.createList(caller: Self.admin, detectorId: adminDetector, kind: .threatIntelSet, request: request)
            let job = try #require(try await stores.lists.claimActivation())
            let before = try #require(
                try await self.value(client, "SELECT config_version::int FROM detectors WHERE detector_id = \(memberDetector)", as: Int.self))

            // UpdateMemberDetectors' shape: lock the administrator's detector, then (once the activation waits on a
            // lock) bump the member's.
            let (locked, lockedSignal) = AsyncStream.makeStream(of: Void.self)
            async let settingsChange: Void = client.withTransaction(logger: TestDatabase.logger) { connection in
                _ = try await connection.query("SELECT 1 FROM detectors WHERE detector_id = \(adminDetector) FOR UPDATE", logger: TestDatabase.logger)
                lockedSignal.yield()
                let deadline = ContinuousClock.now + .seconds(10)
                while ContinuousClock.now < deadline {
                    let waiting = try await self.value(
                        client, "SELECT count(*)::int FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
                        as: Int.self)
                    if (waiting ?? 0) > 0 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await connection.query(
                    "UPDATE detectors SET config_version = config_version + 1 WHERE detector_id = \(memberDetector)", logger: TestDatabase.logger)
            }
            for await _ in locked { break }
            let outcome = ListActivator.outcome(parsing: Array("1.1.1.1\n".utf8), job: job)
            try await stores.lists.finishActivation(job, outcome: outcome)
            try await settingsChange

            let status = try await self.value(client, "SELECT status FROM lists WHERE list_id = \(listId)", as: String.self)
            #expect(status == "ACTIVE", "the activation reported success, so its content must be in force")
            let after = try await self.value(client, "SELECT config_version::int FROM detectors WHERE detector_id = \(memberDetector)", as: Int.self)
            #expect(after == before + 2, "both changes move the member's configuration version")
        }
    }
}
