import AdminServer
import Crypto
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// List activation on a real PostgreSQL: content is swapped in whole, stale activations are ignored, a failed
/// re-activation leaves the old content in force.
@Suite("List store")
struct ListStoreTests {
    func setUp(_ client: PostgresClient) async throws -> (PostgresStores, Caller, String) {
        let stores = PostgresStores(client: client, secrets: SecretBox(key: SymmetricKey(size: .bits256)), logger: TestDatabase.logger)
        _ = try await stores.accounts.createAccount(accountId: "555555555555", email: "l@example.com", name: nil, organizationManagement: false)
        let caller = Caller(accountId: "555555555555", region: "us-east-1")
        let detector = try await stores.detectors.createDetector(
            caller: caller, request: try JSONDecoder().decode(CreateDetectorRequest.self, from: Data(#"{"enable": true}"#.utf8))
        )
        return (stores, caller, detector)
    }

    func create(_ stores: PostgresStores, _ caller: Caller, _ detector: String, activate: Bool = true) async throws -> String {
        let request = try JSONDecoder().decode(
            CreateListRequest.self, from: Data(#"{"name":"t","format":"TXT","location":"https://example.com/l.txt","activate":\#(activate)}"#.utf8)
        )
        return try await stores.lists.createList(caller: caller, detectorId: detector, kind: .threatIntelSet, request: request)
    }

    func contentInForce(_ client: PostgresClient, _ listId: String) async throws -> String? {
        for try await (sha) in try await client.query("SELECT content_sha256 FROM lists WHERE list_id = \(listId)").decode(String?.self) {
            return sha
        }
        return nil
    }

    @Test func activationStoresNormalisedContentAndAFailedRetryKeepsIt() async throws {
        try await TestDatabase.withDatabase { client, _ in
            let (stores, caller, detector) = try await self.setUp(client)
            let listId = try await self.create(stores, caller, detector)
            let job = try #require(try await stores.lists.claimActivation())
            #expect(job.listId == listId)
            #expect(try await stores.lists.claimActivation() == nil, "a claimed activation is leased")
            let outcome = ListActivator.outcome(parsing: Array("2.2.2.2\n1.1.1.1\n1.1.1.1\nbad\n".utf8), job: job)
            try await stores.lists.finishActivation(job, outcome: outcome)
            let got = try await stores.lists.getList(caller: caller, detectorId: detector, kind: .threatIntelSet, listId: listId)
            #expect(got.status == .active)
            #expect(got.errorDetails?.contains("1 malformed") == true)
            let sha = try #require(try await self.contentInForce(client, listId))
            #expect(try await stores.lists.listContent(sha256: sha) == "1.1.1.1\n2.2.2.2\n")

            // Re-activation that fails: ERROR with details, the previous content still in force.
            let update = try JSONDecoder().decode(UpdateListRequest.self, from: Data(#"{"activate": true}"#.utf8))
            try await stores.lists.updateList(caller: caller, detectorId: detector, kind: .threatIntelSet, listId: listId, request: update)
            let retry = try #require(try await stores.lists.claimActivation())
            try await stores.lists.finishActivation(retry, outcome: .failed("could not fetch"))
            #expect(try await stores.lists.getList(caller: caller, detectorId: detector, kind: .threatIntelSet, listId: listId).status == .error)
            #expect(try await self.contentInForce(client, listId) == sha)

            // The result of an activation overtaken by a newer request is dropped.
            try await stores.lists.finishActivation(
                job, outcome: .content(body: "9.9.9.9\n", sha256: String(repeating: "a", count: 64), entryCount: 1, malformedCount: 0, details: nil))
            #expect(try await self.contentInForce(client, listId) == sha)
        }
    }

    @Test func limitsAreCheckedWhenParsed() {
        let job = ListActivationJob(listId: "x", kind: .ipSet, format: .txt, location: "file:///x", expectedBucketOwner: nil, activationId: "a")
        let tooMany = (0..<2_001).map { "10.0.\($0 / 256).\($0 % 256)" }.joined(separator: "\n")
        guard case .failed(let message) = ListActivator.outcome(parsing: Array(tooMany.utf8), job: job) else {
            Issue.record("2,001 entries were accepted in a trusted list")
            return
        }
        #expect(message.contains("at most 2000"))
        guard case .failed(let empty) = ListActivator.outcome(parsing: Array("nothing here\n".utf8), job: job) else {
            Issue.record("a file without entries was accepted")
            return
        }
        #expect(empty.contains("line 1"))
    }
}
