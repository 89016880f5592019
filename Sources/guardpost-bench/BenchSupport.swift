import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// Keys as `guardpost-admin accounts create` prints them.
struct AccountKeys: Decodable {
    var accountId: String
    var accessKeyId: String
    var secretAccessKey: String

    /// One JSON object per line.
    static func load(_ path: String) throws -> [AccountKeys] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(AccountKeys.self, from: Data($0.utf8))
        }
    }

    func client(_ endpoint: String, region: String, http: HTTPClient) throws -> GuardpostClient {
        try GuardpostClient(
            endpointURL: endpoint,
            configuration: AWSConfiguration(
                credentials: SigV4Credentials(accessKeyId: self.accessKeyId, secretAccessKey: self.secretAccessKey), region: region),
            http: http
        )
    }
}

/// An HTTP client with room for thousands of concurrent requests to one host.
func benchHTTPClient() -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: 16_384)
    configuration.timeout = .init(connect: .seconds(60), read: .seconds(90))
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

struct Detectors: Decodable { var detectorIds: [String] }

/// Makes every member account an Enabled member of the administrator (CreateMembers, InviteMembers, and each
/// member's CreateDetector + AcceptAdministratorInvitation); returns the administrator's and the members' detector ids.
func enroll(admin: GuardpostClient, adminAccountId: String, members: [(AccountKeys, GuardpostClient)]) async throws -> (String, [String]) {
    let listed = try await admin.json("GET", "/detector", as: Detectors.self)
    let adminDetector: String
    if let id = listed.detectorIds.first {
        adminDetector = id
    } else {
        struct Created: Decodable { var detectorId: String }
        adminDetector = try await admin.json("POST", "/detector", body: ["enable": true], as: Created.self).detectorId
    }
    for start in stride(from: 0, to: members.count, by: 50) {
        let batch = members[start..<min(start + 50, members.count)]
        struct Details: Encodable { var accountDetails: [[String: String]] }
        _ = try await admin.send(
            "POST", "/detector/\(adminDetector)/member",
            body: Array(
                try JSONEncoder().encode(
                    Details(accountDetails: batch.map { ["accountId": $0.0.accountId, "email": "\($0.0.accountId)@example.com"] }))))
        _ = try await admin.send(
            "POST", "/detector/\(adminDetector)/member/invite", body: Array(try JSONEncoder().encode(["accountIds": batch.map(\.0.accountId)])))
    }
    var memberDetectors: [String] = []
    for (_, client) in members {
        // A member enrolled by an earlier run has no invitation left: it keeps its detector.
        if let enrolled = try await client.json("GET", "/detector", as: Detectors.self).detectorIds.first,
            (try? await Invitations(client: client).list().contains { $0.accountId == adminAccountId }) == false
        {
            memberDetectors.append(enrolled)
            continue
        }
        memberDetectors.append(try await Invitations(client: client).accept(administratorId: adminAccountId))
    }
    return (adminDetector, memberDetectors)
}

/// The id of the benchmark's finding `index`: 32 hex digits.
func benchFindingId(_ index: Int) -> String { String(format: "%032x", index) }

/// A finding of about 1.5 KB, as an agent sends it.
func benchFinding(account: String, detector: String, index: Int, region: String) -> Finding {
    let id = benchFindingId(index)
    let remote = "198.51.\(index / 250 % 250).\(index % 250 + 1)"
    var finding = Finding(
        accountId: account, arn: "arn:aws:guardduty:\(region):\(account):detector/\(detector)/finding/\(id)",
        createdAt: "2026-11-20T09:00:00.000Z",
        description:
            "198.51.100.7 is performing SSH brute force attacks against i-0123456789abcdef0. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password; \(remote) made many failed attempts in ten minutes.",
        id: id, region: region,
        resource: Finding.Resource(
            resourceType: "Instance",
            instanceDetails: Finding.InstanceDetails(
                instanceId: "i-\(String(format: "%017x", index % 5000))",
                networkInterfaces: [
                    Finding.NetworkInterface(
                        networkInterfaceId: "eni-0abc\(index % 977)", privateIpAddress: "10.0.\(index % 250).\(index % 200 + 1)",
                        vpcId: "vpc-0123456789")
                ]
            )),
        service: Finding.Service(
            action: .network(
                Finding.NetworkConnectionAction(
                    blocked: false, direction: "INBOUND", protocolName: "TCP", local: "10.0.0.5", localPort: 22, remote: remote,
                    remotePort: 40000 + index % 20000)),
            evidence: Finding.Evidence(threatIntelligenceDetails: [
                Finding.ThreatIntelligenceDetail(threatListName: "attackers", threatNames: ["ssh-scanner"])
            ]),
            count: 1 + index % 40, detectorId: detector, eventFirstSeen: "2026-11-20T09:00:00.000Z", eventLastSeen: "2026-11-20T10:00:00.000Z",
            resourceRole: "TARGET",
            additionalInfo: Finding.AdditionalInfo(value: #"{"sample":false,"threatListName":"attackers","unusualProtocol":"TCP"}"#),
            featureName: "FlowLogs"
        ),
        severity: [2, 5, 8][index % 3], title: "SSH brute force attacks against an EC2 instance.", type: "UnauthorizedAccess:EC2/SSHBruteForce",
        updatedAt: "2026-11-20T10:00:00.000Z"
    )
    finding.confidence = nil
    return finding
}
