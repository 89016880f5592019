import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SigV4
import Testing

@testable import AdminServer

/// The router is built over the stores' protocols, so these tests run the real routes, SigV4 and error rendering
/// over in-memory stores — no PostgreSQL.
@Suite struct RouterOverFakeStoresTests {
    @Test func createdDetectorsAreListedFromTheStoreTheRouterWasGiven() async throws {
        let detectors = FakeDetectorStore()
        try await Self.withRouter(detectors: detectors) { call in
            let created = try await call(.post, "/detector", #"{"enable":true}"#)
            #expect(created.status == 200)
            let id = try #require(created.body["detectorId"] as? String)
            let listed = try await call(.get, "/detector?maxResults=5", nil)
            #expect(listed.status == 200)
            #expect(listed.body["detectorIds"] as? [String] == [id])
            #expect(await detectors.lastCaller == Caller(accountId: FakeCredentials.accountId, region: "us-east-1"))
        }
    }

    @Test func pagingOutOfRangeIsRefusedBeforeTheStoreIsAsked() async throws {
        let detectors = FakeDetectorStore()
        try await Self.withRouter(detectors: detectors) { call in
            let response = try await call(.get, "/detector?maxResults=51", nil)
            #expect(response.status == 400)
            #expect(response.errorType == "BadRequestException")
            #expect(await detectors.calls == 0)
        }
    }

    @Test func aStoreNotFoundIsGuardDutysBadRequestWithTheStoresWording() async throws {
        try await Self.withRouter(detectors: FakeDetectorStore()) { call in
            let response = try await call(.get, "/detector/0123456789abcdef0123456789abcdef", nil)
            #expect(response.status == 400)
            #expect((response.body["message"] as? String)?.contains("no such detector") == true)
        }
    }

    @Test func anUnsignedRequestNeverReachesAStore() async throws {
        let detectors = FakeDetectorStore()
        try await Self.withRouter(detectors: detectors, signed: false) { call in
            let response = try await call(.post, "/detector", #"{"enable":true}"#)
            #expect(response.status == 403)
            #expect(await detectors.calls == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func aRequestWhoseQueryIsNeverAnsweredIsAnswered500OnceTheDatabaseDeadlinePasses() async throws {
        // The store never answers, as postgres-nio leaves a query whose connection the dying primary closed.
        let detectors = FakeDetectorStore(hangs: 1)
        try await Self.withRouter(detectors: detectors, databaseDeadline: .milliseconds(200)) { call in
            let path = "/detector/0123456789abcdef0123456789abcdef"
            let response = try await call(.get, path, nil)
            #expect(response.status == 500)
            #expect(response.errorType == "InternalServerErrorException")
            #expect(await detectors.calls == 1)
            // The replica goes on answering: the next request is not stuck behind the lost one.
            let listed = try await call(.get, "/detector?maxResults=5", nil)
            #expect(listed.status == 200)
            // Nor is the next GetDetector of that detector, although GetDetector's reads are shared through a cache:
            // it reads again instead of joining the lost read (the request and the shared read end at the same
            // deadline, so one more try may still find the lost read in place).
            var again = try await call(.get, path, nil)
            for _ in 0..<3 where again.status == 500 { again = try await call(.get, path, nil) }
            #expect(again.status == 400)
            #expect((again.body["message"] as? String)?.contains("no such detector") == true)
        }
    }

    typealias Call = @Sendable (HTTPRequest.Method, String, String?) async throws -> (status: Int, body: [String: Any], errorType: String?)

    static func withRouter(
        detectors: FakeDetectorStore, signed: Bool = true, databaseDeadline: Duration = DatabaseDeadline.limit,
        _ body: @Sendable (Call) async throws -> Void
    ) async throws {
        let unused = UnusedStores()
        let api = APIStores(
            detectors: detectors, members: unused, organization: unused, lists: unused, findings: unused, agentChannel: unused,
            publishingDestinations: unused, changes: ChangeSignal()
        )
        let router = buildRouter(
            api: api, console: nil, credentials: CredentialCache(accounts: FakeCredentials(), regions: FakeCredentials()),
            configVersions: ConfigVersionBoard(), ready: ReadinessFlag(), checkDatabase: {}, metrics: false, databaseDeadline: databaseDeadline
        )
        try await Application(router: router).test(.router) { client in
            try await body { method, path, json in
                let pieces = path.split(separator: "?", maxSplits: 1)
                var request = SigV4Request(
                    method: method.rawValue, rawPath: String(pieces[0]), rawQuery: pieces.count > 1 ? String(pieces[1]) : "",
                    headers: [(name: "host", value: "localhost")], body: Array((json ?? "").utf8)
                )
                if signed {
                    let credentials = SigV4Credentials(accessKeyId: FakeCredentials.accessKeyId, secretAccessKey: FakeCredentials.secret)
                    SigV4Signer(credentials: credentials, region: "us-east-1")
                        .sign(&request, timestamp: SigV4Time.format(Int64(Date().timeIntervalSince1970)))
                }
                var fields = HTTPFields()
                for header in request.headers where header.name != "host" {
                    fields.append(HTTPField(name: HTTPField.Name(header.name)!, value: header.value))
                }
                let response = try await client.execute(
                    uri: path, method: method, headers: fields, body: request.body.isEmpty ? nil : ByteBuffer(bytes: request.body)
                )
                let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                return (Int(response.status.code), object, response.headers[HTTPField.Name("x-amzn-ErrorType")!])
            }
        }
    }
}

/// One account with one key, and one enabled region.
struct FakeCredentials: AccountStore, RegionStore {
    static let accountId = "111122223333"
    static let accessKeyId = "AKIAFAKEFAKEFAKE0001"
    static let secret = "fake-secret-fake-secret-fake-secret-0001"

    func createAccount(accountId: String, email: String, name: String?, organizationManagement: Bool) async throws -> IssuedAccessKey {
        throw StoreError.invalid("not in this test")
    }
    func createAccessKey(accountId: String) async throws -> IssuedAccessKey { throw StoreError.invalid("not in this test") }
    func revokeAccessKey(accessKeyId: String) async throws { throw StoreError.invalid("not in this test") }
    func listAccounts() async throws -> [AccountSummary] { [] }
    func accessKey(id: String) async throws -> AccessKeyRecord? {
        guard id == Self.accessKeyId else { return nil }
        return AccessKeyRecord(
            accessKeyId: id, accountId: Self.accountId, secretAccessKey: Self.secret, isOrganizationManagement: false, revoked: false
        )
    }
    func listRegions() async throws -> [RegionRecord] { [RegionRecord(name: "us-east-1", enabled: true)] }
    func setRegion(_ name: String, enabled: Bool) async throws { throw StoreError.invalid("not in this test") }
}

/// Detectors in memory: enough of DetectorStore for the router tests, counting the calls that reach it.
actor FakeDetectorStore: DetectorStore {
    private(set) var ids: [String] = []
    private(set) var calls = 0
    private(set) var lastCaller: Caller?
    /// How many GetDetector calls never answer, first (a query lost with its connection).
    let hangs: Int
    private var hung = 0

    init(hangs: Int = 0) {
        self.hangs = hangs
    }

    private func record(_ caller: Caller) {
        self.calls += 1
        self.lastCaller = caller
    }

    func createDetector(caller: Caller, request: CreateDetectorRequest) async throws -> String {
        self.record(caller)
        let id = String(UUIDv4.string().filter { $0 != "-" })
        self.ids.append(id)
        return id
    }
    func getDetector(caller: Caller, detectorId: String) async throws -> GetDetectorResponse {
        self.record(caller)
        if self.hung < self.hangs {
            self.hung += 1
            await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
        }
        throw StoreError.notFound("no such detector \(detectorId)")
    }
    func updateDetector(caller: Caller, detectorId: String, request: UpdateDetectorRequest) async throws { self.record(caller) }
    func deleteDetector(caller: Caller, detectorId: String) async throws { self.record(caller) }
    func listDetectors(caller: Caller, maxResults: Int, nextToken: String?) async throws -> Page<String> {
        self.record(caller)
        return Page(items: Array(self.ids.prefix(maxResults)), nextToken: nil)
    }
    func tags(caller: Caller, resourceArn: String) async throws -> [String: String] { [:] }
    func tagResource(caller: Caller, resourceArn: String, tags: [String: String]) async throws {}
    func untagResource(caller: Caller, resourceArn: String, tagKeys: [String]) async throws {}
}
