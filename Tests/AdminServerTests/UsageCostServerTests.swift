import AdminServer
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// GetUsageStatistics answers in USD by default (what the agents' volume would have cost on GuardDuty under the
/// bundled price table), keeps RECORDS and BYTES, refuses other units, and the console's Usage page shows the cost,
/// on real PostgreSQL.
@Suite("UsageCost")
struct UsageCostServerTests {
    static let gigabyte = 1 << 30

    func heartbeat(_ server: TestServer, _ key: IssuedAccessKey, detector: String, agent: String, _ volumes: [(String, Int, Int)]) async throws
        -> Int
    {
        let body = AgentHeartbeat(
            agentId: agent, detectorId: detector, hostname: "host-\(agent)", version: "0.4.0", configVersion: 1,
            sources: volumes.map { source, records, bytes in
                .init(
                    dataSource: source, path: "/var/log/\(source)", records: records, errors: 0, lagSeconds: 1, recordsSinceLast: records,
                    bytesSinceLast: bytes)
            }
        )
        return try await server.call(key, .post, "/agent/v1/heartbeat", json: String(decoding: try JSONEncoder().encode(body), as: UTF8.self)).status
    }

    @Test func usageIsPricedInUSDPerAccountAndSourceAndTheOtherUnitsStillAnswer() async throws {
        try await TestServer.run { server in
            let (admin, adminDetector, member, memberDetector) = try await server.enrolledPair()
            // The member: 2 million management events ($8), 3 GB of flow logs and 1 GB of DNS logs ($4 on one meter).
            let memberVolumes = [("CLOUD_TRAIL", 2_000_000, 900_000_000), ("FLOW_LOGS", 10, 3 * Self.gigabyte), ("DNS_LOGS", 5, Self.gigabyte)]
            #expect(try await self.heartbeat(server, member, detector: memberDetector, agent: "agent-usd00001", memberVolumes) == 200)
            // The administrator: 1 GB of flow logs ($1).
            #expect(
                try await self.heartbeat(server, admin, detector: adminDetector, agent: "agent-usd00002", [("FLOW_LOGS", 7, Self.gigabyte)]) == 200)
            func usage(_ type: String, _ extra: String = "") async throws -> (status: Int, body: [String: Any], errorType: String?) {
                try await server.call(
                    admin, .post, "/detector/\(adminDetector)/usage/statistics",
                    json: #"{"usageStatisticsType":"\#(type)","usageCriteria":{}\#(extra)}"#)
            }
            func totals(_ answer: [String: Any], _ group: String, _ key: String) -> [String: [String: String]] {
                let rows = (answer["usageStatistics"] as? [String: Any])?[group] as? [[String: Any]] ?? []
                return Dictionary(uniqueKeysWithValues: rows.map { ($0[key] as? String ?? "?", $0["total"] as? [String: String] ?? [:]) })
            }
            let byAccount = try await usage("SUM_BY_ACCOUNT")
            #expect(byAccount.status == 200, "\(byAccount.body)")
            #expect(
                totals(byAccount.body, "sumByAccount", "accountId")
                    == [member.accountId: ["amount": "12", "unit": "USD"], admin.accountId: ["amount": "1", "unit": "USD"]])
            let bySource = try await usage("SUM_BY_DATA_SOURCE", #","unit":"USD""#)
            #expect(
                totals(bySource.body, "sumByDataSource", "dataSource").mapValues { $0["amount"] ?? "" }
                    == ["CLOUD_TRAIL": "8", "FLOW_LOGS": "4", "DNS_LOGS": "1"])
            // Guardpost's own units keep answering volumes.
            let records = try await usage("SUM_BY_ACCOUNT", #","unit":"RECORDS""#)
            #expect(totals(records.body, "sumByAccount", "accountId")[member.accountId] == ["amount": "2000015", "unit": "RECORDS"])
            let bytes = try await usage("SUM_BY_DATA_SOURCE", #","unit":"BYTES""#)
            #expect(totals(bytes.body, "sumByDataSource", "dataSource")["FLOW_LOGS"] == ["amount": String(4 * Self.gigabyte), "unit": "BYTES"])
            // Any other unit is GuardDuty's 400.
            let euros = try await usage("SUM_BY_ACCOUNT", #","unit":"EUR""#)
            #expect(euros.status == 400)
            #expect(euros.errorType == "BadRequestException")
            #expect((euros.body["message"] as? String)?.contains("use USD") == true)
            // The console's Usage page shows the cost per account and source, with the price table's date.
            var browser = ConsoleTests.Browser(server: server)
            _ = try await browser.signIn(admin)
            let page = try await browser.get("/console/usage")
            #expect(page.status == 200)
            #expect(page.html.contains("USD 13 in all"), "\(page.html)")
            #expect(page.html.contains("<td>\(member.accountId)</td><td>12</td>"))
            #expect(page.html.contains("<td>3 GB</td><td>3</td>"), "\(page.html)")
            #expect(page.html.contains("2026-10-07") && page.html.contains("us-east-1"))
        }
    }
}
