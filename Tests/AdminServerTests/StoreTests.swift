import AdminServer
import Crypto
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// The PostgreSQL stores on a real database.
@Suite("Stores")
struct StoreTests {
    @Test func secretsAreSealedAtRestAndOpenWithTheServerKey() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let secrets = SecretBox(key: SymmetricKey(size: .bits256))
            let stores = PostgresStores(client: client, secrets: secrets, logger: TestDatabase.logger)
            let key = try await stores.accounts.createAccount(
                accountId: "123456789012", email: "a@example.com", name: "A", organizationManagement: false)
            for try await (sealed) in try await client.query("SELECT secret_ciphertext FROM access_keys").decode(ByteBuffer.self) {
                #expect(String(buffer: sealed).contains(key.secretAccessKey) == false)
            }
            #expect(try await stores.accounts.accessKey(id: key.accessKeyId)?.secretAccessKey == key.secretAccessKey)
            // Another server key cannot open it.
            let other = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            await #expect(throws: (any Error).self) { try await other.accounts.accessKey(id: key.accessKeyId) }
        }
    }

    @Test func accountsAreUniqueAndThereIsOneManagementAccount() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            _ = try await stores.accounts.createAccount(accountId: "111111111111", email: "m@example.com", name: nil, organizationManagement: true)
            await #expect(throws: StoreError.self) {
                try await stores.accounts.createAccount(accountId: "111111111111", email: "m@example.com", name: nil, organizationManagement: false)
            }
            await #expect(throws: StoreError.self) {
                try await stores.accounts.createAccount(accountId: "222222222222", email: "n@example.com", name: nil, organizationManagement: true)
            }
            await #expect(throws: GuardDutyError.self) {
                try await stores.accounts.createAccount(accountId: "12", email: "n@example.com", name: nil, organizationManagement: false)
            }
            #expect(try await stores.accounts.listAccounts().map(\.accountId) == ["111111111111"])
        }
    }

    @Test func revokedKeysStayKnownButRevoked() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            let first = try await stores.accounts.createAccount(
                accountId: "333333333333", email: "x@example.com", name: nil, organizationManagement: false)
            let second = try await stores.accounts.createAccessKey(accountId: "333333333333")
            try await stores.accounts.revokeAccessKey(accessKeyId: first.accessKeyId)
            #expect(try await stores.accounts.accessKey(id: first.accessKeyId)?.revoked == true)
            #expect(try await stores.accounts.accessKey(id: second.accessKeyId)?.revoked == false)
            #expect(try await stores.accounts.listAccounts().first?.activeAccessKeyIds == [second.accessKeyId])
            await #expect(throws: StoreError.self) { try await stores.accounts.revokeAccessKey(accessKeyId: "AKIANOPE") }
            await #expect(throws: StoreError.self) { try await stores.accounts.createAccessKey(accountId: "999999999999") }
        }
    }

    @Test func regionsStartWithSixAndCanBeDisabledAndAdded() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            #expect(
                try await stores.regions.listRegions().map(\.name) == [
                    "ap-northeast-2", "eu-central-1", "eu-west-1", "us-east-1", "us-east-2", "us-west-2",
                ])
            try await stores.regions.setRegion("eu-west-1", enabled: false)
            try await stores.regions.setRegion("ap-south-1", enabled: true)
            let regions = Dictionary(uniqueKeysWithValues: try await stores.regions.listRegions().map { ($0.name, $0.enabled) })
            #expect(regions["eu-west-1"] == false && regions["ap-south-1"] == true)
            await #expect(throws: StoreError.self) { try await stores.regions.setRegion("mars", enabled: true) }
            await #expect(throws: StoreError.self) { try await stores.regions.setRegion("xx-nowhere-1", enabled: false) }
        }
    }

    @Test func concurrentCreateDetectorLeavesOneDetector() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
            _ = try await stores.accounts.createAccount(accountId: "444444444444", email: "x@example.com", name: nil, organizationManagement: false)
            let caller = Caller(accountId: "444444444444", region: "us-east-1")
            let request = try JSONDecoder().decode(CreateDetectorRequest.self, from: Data(#"{"enable": true}"#.utf8))
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 { group.addTask { (try? await stores.detectors.createDetector(caller: caller, request: request)) != nil } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await stores.detectors.listDetectors(caller: caller, maxResults: 50, nextToken: nil).items.count == 1)
        }
    }
}
