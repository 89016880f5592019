import AdminServer
import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import SigV4
import Testing

/// The application driven through its router with signed requests, on a real PostgreSQL.
@Suite("GuardDuty API")
struct APITests {
    @Test func signedRequestsReachTheOperationAndUnsignedOnesDoNot() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detectorId = try await server.createDetector(key)
            let got = try await server.call(key, .get, "/detector/\(detectorId)")
            #expect(got.status == 200)
            #expect(got.body["findingPublishingFrequency"] as? String == "SIX_HOURS")
            let unsigned = try await server.client.execute(uri: "/detector", method: .get, headers: [:], body: nil)
            #expect(unsigned.status == .forbidden)
            #expect(unsigned.headers[HTTPField.Name("x-amzn-ErrorType")!] == "MissingAuthenticationTokenException")
        }
    }

    @Test func tamperedOrForeignlySignedRequestsAreRefused() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let tampered = try await server.call(
                key, .post, "/detector", json: #"{"enable": true}"#,
                tamper: { request in
                    request.body = Array(#"{"enable": false}"#.utf8)
                })
            #expect(tampered.status == 403)
            #expect(tampered.errorType == "InvalidSignatureException")
            let unknown = IssuedAccessKey(accountId: key.accountId, accessKeyId: "AKIANOSUCHKEY0000000", secretAccessKey: key.secretAccessKey)
            #expect(try await server.call(unknown, .get, "/detector").errorType == "UnrecognizedClientException")
            try await server.stores.accounts.revokeAccessKey(accessKeyId: key.accessKeyId)
            // The cache may still hold the key for its TTL without the NOTIFY listener; a fresh key proves the store refuses it.
            let record = try await server.stores.accounts.accessKey(id: key.accessKeyId)
            #expect(record?.revoked == true)
            #expect(try await server.call(key, .get, "/detector", region: "xx-nowhere-1").status == 403)
        }
    }

    @Test func accountsSeeOnlyTheirOwnDetectorsAndMembers() async throws {
        try await TestServer.run { server in
            let alice = try await server.account()
            let bob = try await server.account()
            let aliceDetector = try await server.createDetector(alice)
            let bobDetector = try await server.createDetector(bob)
            for path in [
                "/detector/\(aliceDetector)", "/detector/\(aliceDetector)/member?onlyAssociated=false", "/detector/\(aliceDetector)/administrator",
            ] {
                let response = try await server.call(bob, .get, path)
                #expect(response.status == 400, "\(path)")
                #expect((response.body["message"] as? String)?.contains("not owned") == true)
            }
            let listed = try await server.call(bob, .get, "/detector")
            #expect(listed.body["detectorIds"] as? [String] == [bobDetector])
            // Bob cannot add members to Alice's detector, and nothing is written when he tries.
            let created = try await server.call(
                bob, .post, "/detector/\(aliceDetector)/member",
                json: #"{"accountDetails":[{"accountId":"\#(bob.accountId)","email":"b@example.com"}]}"#
            )
            #expect(created.status == 400)
            let members = try await server.call(alice, .get, "/detector/\(aliceDetector)/member?onlyAssociated=false")
            #expect((members.body["members"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func invitationLifecycleMovesThroughGuardDutysStatuses() async throws {
        try await TestServer.run { server in
            let admin = try await server.account()
            let member = try await server.account()
            let adminDetector = try await server.createDetector(admin)
            let memberDetector = try await server.createDetector(member)
            func status() async throws -> String? {
                let response = try await server.call(
                    admin, .post, "/detector/\(adminDetector)/member/get", json: #"{"accountIds":["\#(member.accountId)"]}"#)
                return ((response.body["members"] as? [[String: Any]])?.first?["relationshipStatus"]) as? String
            }
            try await server.call(
                admin, .post, "/detector/\(adminDetector)/member",
                json: #"{"accountDetails":[{"accountId":"\#(member.accountId)","email":"m@example.com"}]}"#)
            #expect(try await status() == "Created")
            try await server.call(admin, .post, "/detector/\(adminDetector)/member/invite", json: #"{"accountIds":["\#(member.accountId)"]}"#)
            #expect(try await status() == "Invited")
            let invitations = try await server.call(member, .get, "/invitation")
            let invitation = try require((invitations.body["invitations"] as? [[String: Any]])?.first)
            let invitationId = try require(invitation["invitationId"] as? String)
            #expect(invitation["accountId"] as? String == admin.accountId)
            let accepted = try await server.call(
                member, .post, "/detector/\(memberDetector)/administrator",
                json: #"{"administratorId":"\#(admin.accountId)","invitationId":"\#(invitationId)"}"#
            )
            #expect(accepted.status == 200)
            #expect(try await status() == "Enabled")
            try await server.call(admin, .post, "/detector/\(adminDetector)/member/stop", json: #"{"accountIds":["\#(member.accountId)"]}"#)
            #expect(try await status() == "Disabled")
            try await server.call(admin, .post, "/detector/\(adminDetector)/member/start", json: #"{"accountIds":["\#(member.accountId)"]}"#)
            #expect(try await status() == "Enabled")
            try await server.call(member, .post, "/detector/\(memberDetector)/administrator/disassociate")
            #expect(try await status() == "Resigned")
            try await server.call(admin, .post, "/detector/\(adminDetector)/member/disassociate", json: #"{"accountIds":["\#(member.accountId)"]}"#)
            let deleted = try await server.call(
                admin, .post, "/detector/\(adminDetector)/member/delete", json: #"{"accountIds":["\#(member.accountId)"]}"#)
            #expect((deleted.body["unprocessedAccounts"] as? [Any])?.isEmpty == true)
            #expect(try await status() == nil)
        }
    }

    @Test func acceptingAnInvitationMovesTheMembersConfigVersion() async throws {
        try await TestServer.run { server in
            let admin = try await server.account()
            let member = try await server.account()
            let adminDetector = try await server.createDetector(admin)
            let memberDetector = try await server.createDetector(member)
            func version() async throws -> Int { try await server.configVersion(memberDetector) }
            let before = try await version()
            try await server.call(
                admin, .post, "/detector/\(adminDetector)/member",
                json: #"{"accountDetails":[{"accountId":"\#(member.accountId)","email":"m@example.com"}]}"#)
            try await server.call(admin, .post, "/detector/\(adminDetector)/member/invite", json: #"{"accountIds":["\#(member.accountId)"]}"#)
            let invitations = try await server.call(member, .get, "/invitation")
            let invitationId = try require((invitations.body["invitations"] as? [[String: Any]])?.first?["invitationId"] as? String)
            try await server.call(
                member, .post, "/detector/\(memberDetector)/master", json: #"{"masterId":"\#(admin.accountId)","invitationId":"\#(invitationId)"}"#)
            let afterAccept = try await version()
            #expect(afterAccept > before)
            try await server.call(admin, .post, "/detector/\(adminDetector)", json: #"{"findingPublishingFrequency":"ONE_HOUR"}"#)
            #expect(try await version() > afterAccept)
            let seen = try await server.call(member, .get, "/detector/\(memberDetector)")
            #expect(seen.body["findingPublishingFrequency"] as? String == "ONE_HOUR")
        }
    }

    @Test func badInputGetsGuardDutysErrorShape() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detectorId = try await server.createDetector(key)
            let cases: [(HTTPRequest.Method, String, String?, String)] = [
                (.post, "/detector/\(detectorId)/member", "{not json", "JSON"),
                (.post, "/detector/\(detectorId)/member", #"{"accountDetails": 5}"#, "accountDetails"),
                (.post, "/detector/\(detectorId)/member/invite", #"{"accountIds": ["1234"]}"#, "12 digits"),
                (.get, "/detector/\(detectorId)/member?maxResults=500", nil, "maxResults"),
                (.post, "/detector/\(detectorId)", #"{"findingPublishingFrequency": "HOURLY"}"#, "ONE_HOUR"),
                (.post, "/detector", #"{"enable": true}"#, "already exists"),
                (.get, "/detector/not-a-detector!", nil, "detectorId"),
            ]
            for (method, path, json, fragment) in cases {
                let response = try await server.call(key, method, path, json: json)
                #expect(response.status == 400, "\(path)")
                #expect(response.errorType == "BadRequestException", "\(path)")
                #expect(response.body["__type"] as? String == "InvalidInputException", "\(path)")
                #expect((response.body["message"] as? String)?.contains(fragment) == true, "\(path): \(response.body)")
            }
        }
    }
}
