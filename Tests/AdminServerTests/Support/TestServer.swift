import AdminServer
import Crypto
import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import SigV4

/// The real application on a fresh database, with helpers to create accounts and send signed requests as botocore does.
struct TestServer: Sendable {
    let stores: PostgresStores
    let client: any TestClientProtocol
    let postgres: PostgresClient

    static func run(
        configuration: ServerConfiguration = ServerConfiguration(), _ body: @escaping @Sendable (TestServer) async throws -> Void
    ) async throws {
        try await TestDatabase.withDatabase { postgres, _ in
            let secrets = SecretBox(key: SymmetricKey(size: .bits256))
            let stores = PostgresStores(client: postgres, secrets: secrets, logger: TestDatabase.logger)
            // The test database's client is already running; the application must not run it a second time.
            let app = try await buildApplication(
                configuration: configuration,
                dependencies: ServerDependencies(client: postgres, secrets: secrets, logger: TestDatabase.logger, migrate: false, runsClient: false)
            )
            try await app.test(.router) { client in
                try await body(TestServer(stores: stores, client: client, postgres: postgres))
            }
        }
    }

    /// A new account with random 12-digit id.
    func account(management: Bool = false) async throws -> IssuedAccessKey {
        let id = String(format: "%012llu", UInt64.random(in: 100_000_000_000...999_999_999_999))
        return try await self.stores.accounts.createAccount(accountId: id, email: "\(id)@example.com", name: nil, organizationManagement: management)
    }

    /// Sends a request signed with `key` for `region` (host `localhost`, as the router test framework sets it).
    @discardableResult
    func call(
        _ key: IssuedAccessKey, _ method: HTTPRequest.Method, _ path: String, json: String? = nil, region: String = "us-east-1",
        tamper: (@Sendable (inout SigV4Request) -> Void)? = nil
    ) async throws -> (status: Int, body: [String: Any], errorType: String?) {
        let pieces = path.split(separator: "?", maxSplits: 1)
        var headers: [(name: String, value: String)] = [(name: "host", value: "localhost")]
        if json != nil { headers.append((name: "content-type", value: "application/json")) }
        var request = SigV4Request(
            method: method.rawValue, rawPath: String(pieces[0]), rawQuery: pieces.count > 1 ? String(pieces[1]) : "",
            headers: headers, body: Array((json ?? "").utf8)
        )
        let signer = SigV4Signer(credentials: .init(accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey), region: region)
        signer.sign(&request, timestamp: SigV4Time.format(Int64(Date().timeIntervalSince1970)))
        tamper?(&request)
        var fields = HTTPFields()
        for header in request.headers where header.name != "host" {
            fields.append(HTTPField(name: HTTPField.Name(header.name)!, value: header.value))
        }
        let response = try await self.client.execute(
            uri: path, method: method, headers: fields, body: request.body.isEmpty ? nil : ByteBuffer(bytes: request.body)
        )
        let data = Data(buffer: response.body)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (Int(response.status.code), object, response.headers[HTTPField.Name("x-amzn-ErrorType")!])
    }

    /// The config version agents long-poll on, read straight from the database.
    func configVersion(_ detectorId: String) async throws -> Int {
        for try await (version) in try await self.postgres.query("SELECT config_version FROM detectors WHERE detector_id = \(detectorId)").decode(
            Int.self)
        {
            return version
        }
        throw TestFailure(message: "no detector \(detectorId)")
    }

    func createDetector(_ key: IssuedAccessKey, region: String = "us-east-1") async throws -> String {
        let response = try await self.call(key, .post, "/detector", json: #"{"enable": true}"#, region: region)
        return try require(response.body["detectorId"] as? String, "no detectorId in \(response.body)")
    }
}

/// `#require` outside a test function body.
func require<T>(_ value: T?, _ message: String = "missing value") throws -> T {
    guard let value else { throw TestFailure(message: message) }
    return value
}

struct TestFailure: Error {
    let message: String
}

extension TestServer {
    /// Makes `member` an Enabled member of `admin` by invitation (CreateMembers, InviteMembers, AcceptAdministratorInvitation).
    /// An administrator and a member account, each with a detector, the member enrolled by invitation.
    func enrolledPair() async throws -> (admin: IssuedAccessKey, adminDetector: String, member: IssuedAccessKey, memberDetector: String) {
        let admin = try await self.account()
        let member = try await self.account()
        let adminDetector = try await self.createDetector(admin)
        let memberDetector = try await self.createDetector(member)
        try await self.enroll(admin: admin, adminDetector: adminDetector, member: member, memberDetector: memberDetector)
        return (admin, adminDetector, member, memberDetector)
    }

    func enroll(admin: IssuedAccessKey, adminDetector: String, member: IssuedAccessKey, memberDetector: String) async throws {
        try await self.call(
            admin, .post, "/detector/\(adminDetector)/member",
            json: #"{"accountDetails":[{"accountId":"\#(member.accountId)","email":"m@example.com"}]}"#)
        try await self.call(admin, .post, "/detector/\(adminDetector)/member/invite", json: #"{"accountIds":["\#(member.accountId)"]}"#)
        let invitations = try await self.call(member, .get, "/invitation")
        let invitationId = try require((invitations.body["invitations"] as? [[String: Any]])?.first?["invitationId"] as? String)
        let accepted = try await self.call(
            member, .post, "/detector/\(memberDetector)/administrator",
            json: #"{"administratorId":"\#(admin.accountId)","invitationId":"\#(invitationId)"}"#
        )
        guard accepted.status == 200 else { throw TestFailure(message: "accept failed: \(accepted.body)") }
    }

    /// Sends findings through the agent channel as the account's agent would; returns status and body.
    @discardableResult
    func ingest(_ key: IssuedAccessKey, detectorId: String, _ findings: [Finding], region: String = "us-east-1") async throws -> (
        status: Int, body: [String: Any], errorType: String?
    ) {
        let batch = AgentFindingBatch(detectorId: detectorId, findings: findings)
        let json = String(decoding: try JSONEncoder().encode(batch), as: UTF8.self)
        return try await self.call(key, .post, "/agent/v1/findings", json: json, region: region)
    }
}

/// A detected finding as an agent would send it.
func makeFinding(
    account: String, detectorId: String, id: String, type: String = "UnauthorizedAccess:EC2/SSHBruteForce", severity: Double = 2,
    updatedAt: String = "2026-11-20T10:00:00.000Z", count: Int = 1, instanceId: String = "i-0123456789abcdef0", remoteIp: String = "203.0.113.7",
    region: String = "us-east-1"
) -> Finding {
    Finding(
        accountId: account, arn: "arn:aws:guardduty:\(region):\(account):detector/\(detectorId)/finding/\(id)", createdAt: "2026-11-20T09:00:00.000Z",
        description: "test", id: id, region: region,
        resource: Finding.Resource(resourceType: "Instance", instanceDetails: Finding.InstanceDetails(instanceId: instanceId)),
        service: Finding.Service(
            action: .network(
                Finding.NetworkConnectionAction(
                    blocked: false, direction: "INBOUND", protocolName: "TCP", local: "10.0.0.5", localPort: 22, remote: remoteIp, remotePort: 50000
                )),
            evidence: nil, count: count, detectorId: detectorId, eventFirstSeen: "2026-11-20T09:00:00.000Z", eventLastSeen: updatedAt,
            resourceRole: "TARGET", additionalInfo: nil, featureName: "FlowLogs"
        ),
        severity: severity, title: "test", type: type, updatedAt: updatedAt
    )
}
