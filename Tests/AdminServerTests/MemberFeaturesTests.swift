import AdminServer
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// A member's features are its own detector's, set by its administrator; only the publishing frequency follows the
/// administrator. Features this server does not analyse are refused and reported DISABLED.
@Suite("Member features")
struct MemberFeaturesTests {
    static func status(_ body: [String: Any], _ name: String) -> String? {
        (body["features"] as? [[String: Any]])?.first { $0["name"] as? String == name }?["status"] as? String
    }

    @Test func aMembersFeaturesAreItsOwnAndItsAdministratorSetsThem() async throws {
        try await TestServer.run { server in
            let (admin, adminDetector, member, memberDetector) = try await server.enrolledPair()
            let memberCaller = Caller(accountId: member.accountId, region: "us-east-1")
            // The administrator's own S3 Protection and frequency: the frequency reaches the member, the feature does not.
            let own = #"{"findingPublishingFrequency": "FIFTEEN_MINUTES", "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]}"#
            #expect(try await server.call(admin, .post, "/detector/\(adminDetector)", json: own).status == 200)
            var seen = try await server.call(member, .get, "/detector/\(memberDetector)").body
            #expect(seen["findingPublishingFrequency"] as? String == "FIFTEEN_MINUTES")
            #expect(Self.status(seen, "S3_DATA_EVENTS") == "DISABLED")
            var config = try await server.stores.agentChannel.agentConfig(caller: memberCaller, detectorId: memberDetector)
            #expect(config.findingPublishingFrequency == "FIFTEEN_MINUTES")
            #expect(config.features["S3_DATA_EVENTS"] == "DISABLED")
            // UpdateMemberDetectors sets the member's own detector.
            let update = #"{"accountIds": ["\#(member.accountId)"], "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]}"#
            #expect(try await server.call(admin, .post, "/detector/\(adminDetector)/member/detector/update", json: update).status == 200)
            seen = try await server.call(member, .get, "/detector/\(memberDetector)").body
            #expect(Self.status(seen, "S3_DATA_EVENTS") == "ENABLED")
            config = try await server.stores.agentChannel.agentConfig(caller: memberCaller, detectorId: memberDetector)
            #expect(config.features["S3_DATA_EVENTS"] == "ENABLED")
            // The administrator switching its own off leaves the member's alone.
            let off = #"{"features": [{"name": "S3_DATA_EVENTS", "status": "DISABLED"}]}"#
            #expect(try await server.call(admin, .post, "/detector/\(adminDetector)", json: off).status == 200)
            let get = #"{"accountIds": ["\#(member.accountId)"]}"#
            let members = try await server.call(admin, .post, "/detector/\(adminDetector)/member/detector/get", json: get).body
            let memberFeatures = (members["members"] as? [[String: Any]])?.first ?? [:]
            #expect(Self.status(memberFeatures, "S3_DATA_EVENTS") == "ENABLED")
            // The member keeps its features when it leaves, as its detector is its own.
            #expect(try await server.call(member, .post, "/detector/\(memberDetector)/administrator/disassociate", json: "{}").status == 200)
            seen = try await server.call(member, .get, "/detector/\(memberDetector)").body
            #expect(Self.status(seen, "S3_DATA_EVENTS") == "ENABLED")
            #expect(seen["findingPublishingFrequency"] as? String == "SIX_HOURS")
        }
    }

    @Test func eksAuditLogsSetForAMemberReachItsAgentAndItsReportsInBothShapes() async throws {
        try await TestServer.run { server in
            let (admin, adminDetector, member, memberDetector) = try await server.enrolledPair()
            let memberCaller = Caller(accountId: member.accountId, region: "us-east-1")
            let path = "/detector/\(adminDetector)/member/detector/update"
            let update = #"{"accountIds": ["\#(member.accountId)"], "features": [{"name": "EKS_AUDIT_LOGS", "status": "ENABLED"}]}"#
            #expect(try await server.call(admin, .post, path, json: update).status == 200)
            var seen = try await server.call(member, .get, "/detector/\(memberDetector)").body
            #expect(Self.status(seen, "EKS_AUDIT_LOGS") == "ENABLED")
            let legacyView = ((seen["dataSources"] as? [String: Any])?["kubernetes"] as? [String: Any])?["auditLogs"] as? [String: Any]
            #expect(legacyView?["status"] as? String == "ENABLED")
            var config = try await server.stores.agentChannel.agentConfig(caller: memberCaller, detectorId: memberDetector)
            #expect(config.features["EKS_AUDIT_LOGS"] == "ENABLED")
            // The legacy shape switches it off again; the agent's configuration follows.
            let legacy = #"{"accountIds": ["\#(member.accountId)"], "dataSources": {"kubernetes": {"auditLogs": {"enable": false}}}}"#
            #expect(try await server.call(admin, .post, path, json: legacy).status == 200)
            seen = try await server.call(member, .get, "/detector/\(memberDetector)").body
            #expect(Self.status(seen, "EKS_AUDIT_LOGS") == "DISABLED")
            config = try await server.stores.agentChannel.agentConfig(caller: memberCaller, detectorId: memberDetector)
            #expect(config.features["EKS_AUDIT_LOGS"] == "DISABLED")
        }
    }

    @Test func enablingAnUnprovidedFeatureForAMemberIsRefusedAndWritesNothing() async throws {
        try await TestServer.run { server in
            let (admin, adminDetector, member, memberDetector) = try await server.enrolledPair()
            let before = try await server.configVersion(memberDetector)
            let update =
                #"{"accountIds": ["\#(member.accountId)"], "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}, "#
                + #"{"name": "EKS_RUNTIME_MONITORING", "status": "ENABLED"}]}"#
            let refused = try await server.call(admin, .post, "/detector/\(adminDetector)/member/detector/update", json: update)
            #expect(refused.status == 400 && refused.errorType == "BadRequestException")
            #expect((refused.body["message"] as? String)?.contains("EKS_RUNTIME_MONITORING is not provided by this server") == true)
            #expect(Self.status(try await server.call(member, .get, "/detector/\(memberDetector)").body, "S3_DATA_EVENTS") == "DISABLED")
            #expect(try await server.configVersion(memberDetector) == before)
            let legacy =
                #"{"accountIds": ["\#(member.accountId)"], "dataSources": {"malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": true}}}}"#
            let refusedLegacy = try await server.call(admin, .post, "/detector/\(adminDetector)/member/detector/update", json: legacy)
            #expect((refusedLegacy.body["message"] as? String)?.contains("EBS_MALWARE_PROTECTION") == true)
        }
    }

    @Test func organisationAutoEnableSwitchesOnTheEnrolledMembersOwnFeatures() async throws {
        try await TestServer.run { server in
            let management = try await server.account(management: true)
            let admin = try await server.account()
            #expect(try await server.call(management, .post, "/admin/enable", json: #"{"adminAccountId": "\#(admin.accountId)"}"#).status == 200)
            let adminDetector = try require((try await server.call(admin, .get, "/detector").body["detectorIds"] as? [String])?.first)
            let refused = try await server.call(
                admin, .post, "/detector/\(adminDetector)/admin",
                json: #"{"autoEnableOrganizationMembers": "NEW", "features": [{"name": "RDS_LOGIN_EVENTS", "autoEnable": "NEW"}]}"#
            )
            #expect(refused.status == 400 && (refused.body["message"] as? String)?.contains("RDS_LOGIN_EVENTS") == true)
            let configuration = #"{"autoEnableOrganizationMembers": "NEW", "features": [{"name": "S3_DATA_EVENTS", "autoEnable": "NEW"}]}"#
            #expect(try await server.call(admin, .post, "/detector/\(adminDetector)/admin", json: configuration).status == 200)
            // Creating an account enrols it (auto-enable NEW) and creates its detector.
            let newcomer = try await server.account()
            let newcomerDetector = try require((try await server.call(newcomer, .get, "/detector").body["detectorIds"] as? [String])?.first)
            let seen = try await server.call(newcomer, .get, "/detector/\(newcomerDetector)").body
            #expect(Self.status(seen, "S3_DATA_EVENTS") == "ENABLED")
            #expect(Self.status(seen, "RDS_LOGIN_EVENTS") == "DISABLED")
        }
    }
}
