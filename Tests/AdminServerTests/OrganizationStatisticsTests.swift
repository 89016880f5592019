import AdminServer
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// GetOrganizationStatistics on a real database: for the delegated administrator only, counting the organisation's
/// accounts, its associated and active members, and per feature the active members running it.
@Suite("Organisation statistics")
struct OrganizationStatisticsTests {
    @Test func theDelegatedAdministratorSeesTheOrganisationsCounts() async throws {
        try await TestServer.run { server in
            let management = try await server.account(management: true)
            let admin = try await server.account()
            let outsider = try await server.account()
            _ = try await server.createDetector(outsider)
            #expect(try await server.call(management, .post, "/admin/enable", json: #"{"adminAccountId": "\#(admin.accountId)"}"#).status == 200)
            let adminDetector = try require((try await server.call(admin, .get, "/detector").body["detectorIds"] as? [String])?.first)
            // Only the delegated administrator may ask.
            for caller in [management, outsider] {
                let refused = try await server.call(caller, .get, "/organization/statistics")
                #expect(refused.status == 400 && refused.errorType == "BadRequestException")
            }
            let configuration = #"{"autoEnableOrganizationMembers": "NEW", "features": [{"name": "S3_DATA_EVENTS", "autoEnable": "NEW"}]}"#
            #expect(try await server.call(admin, .post, "/detector/\(adminDetector)/admin", json: configuration).status == 200)
            _ = try await server.account()  // the first member, active
            let second = try await server.account()
            // The second member's monitoring is stopped: still a member, no longer active.
            let stop = #"{"accountIds": ["\#(second.accountId)"]}"#
            #expect(try await server.call(admin, .post, "/detector/\(adminDetector)/member/stop", json: stop).status == 200)
            let answer = try await server.call(admin, .get, "/organization/statistics")
            #expect(answer.status == 200)
            let details = try require(answer.body["organizationDetails"] as? [String: Any])
            #expect((details["updatedAt"] as? Double ?? 0) > 1_700_000_000)
            let statistics = try require(details["organizationStatistics"] as? [String: Any])
            // management, admin, outsider, first, second; detectors ENABLED: admin, outsider, first, second.
            #expect(statistics["totalAccountsCount"] as? Int == 5)
            #expect(statistics["enabledAccountsCount"] as? Int == 4)
            #expect(statistics["memberAccountsCount"] as? Int == 2)
            #expect(statistics["activeAccountsCount"] as? Int == 1)
            let byFeature = (statistics["countByFeature"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
                $0[$1["name"] as? String ?? ""] = $1["enabledAccountsCount"] as? Int
            }
            #expect(byFeature["S3_DATA_EVENTS"] == 1)
            #expect(byFeature["EKS_AUDIT_LOGS"] == 0)
            #expect(byFeature.count == DetectorFeature.allCases.count)
        }
    }
}
