import AdminServer
import Foundation
import GuardDutyModel
import Testing

/// The agent channel stores each finding's JSON as the agent sent it (not decoded and encoded again), with the same
/// guarantees as before: replayed or reordered batches change nothing, findings only move forward, a refused batch
/// stores nothing. Real PostgreSQL.
@Suite("Ingest documents")
struct IngestDocumentTests {
    func batchJSON(_ detectorId: String, _ findings: [Finding]) throws -> String {
        String(decoding: try JSONEncoder().encode(AgentFindingBatch(detectorId: detectorId, findings: findings)), as: UTF8.self)
    }

    func get(_ server: TestServer, _ key: IssuedAccessKey, _ detectorId: String, _ ids: [String]) async throws -> [String: [String: Any]] {
        let quoted = ids.map { "\"\($0)\"" }.joined(separator: ",")
        let response = try await server.call(key, .post, "/detector/\(detectorId)/findings/get", json: #"{"findingIds":[\#(quoted)]}"#)
        var byId: [String: [String: Any]] = [:]
        for finding in response.body["findings"] as? [[String: Any]] ?? [] {
            if let id = finding["id"] as? String { byId[id] = finding }
        }
        return byId
    }

    func listed(_ server: TestServer, _ key: IssuedAccessKey, _ detectorId: String) async throws -> [String] {
        try await server.call(key, .post, "/detector/\(detectorId)/findings", json: "{}").body["findingIds"] as? [String] ?? []
    }

    @Test func aMixedBatchStoresNewAndMovesUpdatedFindingsAndItsReplayOrReorderChangesNothing() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            func finding(_ id: String, _ updatedAt: String, _ count: Int) -> Finding {
                makeFinding(account: key.accountId, detectorId: detector, id: id, updatedAt: updatedAt, count: count)
            }
            #expect(
                try await server.ingest(
                    key, detectorId: detector, [finding("f1", "2026-11-20T10:00:00.000Z", 2), finding("f2", "2026-11-20T10:00:00.000Z", 2)]
                )
                .body["created"] as? Int == 2)
            let mixed = [
                finding("f2", "2026-11-20T12:00:00.000Z", 5), finding("f3", "2026-11-20T11:00:00.000Z", 1),
                finding("f1", "2026-11-20T09:00:00.000Z", 9),
            ]
            let first = try await server.ingest(key, detectorId: detector, mixed)
            #expect(first.body["created"] as? Int == 1)
            #expect(first.body["updated"] as? Int == 1)
            #expect(first.body["unchanged"] as? Int == 1)
            let replay = try await server.ingest(key, detectorId: detector, mixed.reversed())
            #expect(replay.body["unchanged"] as? Int == 3)
            let stored = try await self.get(server, key, detector, ["f1", "f2", "f3"])
            #expect((stored["f1"]?["service"] as? [String: Any])?["count"] as? Int == 2)
            #expect(stored["f2"]?["updatedAt"] as? String == "2026-11-20T12:00:00.000Z")
            #expect((stored["f2"]?["service"] as? [String: Any])?["count"] as? Int == 5)
            #expect(stored["f3"] != nil)
            // Statistics (the rollup) count each finding once.
            let statistics = try await server.call(
                key, .post, "/detector/\(detector)/findings/statistics", json: #"{"findingStatisticTypes":["COUNT_BY_SEVERITY"]}"#)
            #expect((statistics.body["findingStatistics"] as? [String: Any])?["countBySeverity"] as? [String: Int] == ["2.0": 3])
        }
    }

    @Test func theAgentsJSONIsStoredAsSentButNeverArchivedOrWithFeedback() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            var flagged = makeFinding(account: key.accountId, detectorId: detector, id: "flagged")
            flagged.service.archived = true
            flagged.service.userFeedback = "USEFUL"
            let plain = makeFinding(account: key.accountId, detectorId: detector, id: "plain")
            // A member the server does not model travels with the finding (the document is the agent's).
            var body = try self.batchJSON(detector, [flagged, plain])
            body = body.replacingOccurrences(of: #""id":"plain""#, with: #""id":"plain","agentNote":{"rule":"r-7"}"#)
            #expect(try await server.call(key, .post, "/agent/v1/findings", json: body).status == 200)
            let stored = try await self.get(server, key, detector, ["flagged", "plain"])
            let service = stored["flagged"]?["service"] as? [String: Any]
            #expect(service?["archived"] as? Bool == false)
            #expect(!(service?["userFeedback"] is String))
            #expect((stored["plain"]?["agentNote"] as? [String: Any])?["rule"] as? String == "r-7")
            #expect(Set(try await self.listed(server, key, detector)) == ["flagged", "plain"])
        }
    }

    @Test func aBatchWhoseBytesCouldSayOtherThanItsFindingsStoresNothing() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            let good = makeFinding(account: key.accountId, detectorId: detector, id: "good")
            let other = makeFinding(account: key.accountId, detectorId: detector, id: "other")
            let body = try self.batchJSON(detector, [good, other])
            // A key named twice: JSONDecoder validates the first value, jsonb would keep the last.
            let twice = body.replacingOccurrences(of: #""id":"other""#, with: #""id":"other","severity":99"#)
            let refused = try await server.call(key, .post, "/agent/v1/findings", json: twice)
            #expect(refused.status == 400)
            #expect((refused.body["message"] as? String)?.contains("twice") == true)
            // Bytes PostgreSQL's jsonb refuses though JSONDecoder skips them: an unpaired surrogate, a number past numeric.
            for extra in [#""note":"\ud800""#, #""note":1e999999"#] {
                let odd = body.replacingOccurrences(of: #""id":"other""#, with: #""id":"other","# + extra)
                let answer = try await server.call(key, .post, "/agent/v1/findings", json: odd)
                #expect(answer.status == 400, "\(extra): \(answer.body)")
            }
            #expect(try await self.listed(server, key, detector).isEmpty)
            #expect(try await server.call(key, .post, "/agent/v1/findings", json: body).status == 200)
        }
    }

    @Test func aHostileBatchIsRefusedInGuardDutysErrorShapeAndStoresNothing() async throws {
        try await TestServer.run { server in
            let key = try await server.account()
            let detector = try await server.createDetector(key)
            let findings = [
                makeFinding(account: key.accountId, detectorId: detector, id: "first"),
                makeFinding(account: key.accountId, detectorId: detector, id: "last"),
            ]
            let body = try self.batchJSON(detector, findings)
            let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
            let hostile = [
                body.replacingOccurrences(of: #""id":"last""#, with: #""id":"last","x":"# + deep),
                body.replacingOccurrences(of: #""id":"last""#, with: "\"id\":\"last\",\"x\":\"a\u{1}b\""),
                body.replacingOccurrences(of: #""id":"last""#, with: #""id":"last","x":"\udfff""#),
                body.replacingOccurrences(of: #""id":"last""#, with: #""id":"last","x":01"#),
                body.replacingOccurrences(of: #""count":1"#, with: #""count":"1""#),
                body.replacingOccurrences(of: #""eventFirstSeen""#, with: #""firstSeen""#),
                body + " {}",
            ]
            for text in hostile {
                let answer = try await server.call(key, .post, "/agent/v1/findings", json: text)
                #expect(answer.status == 400, "\(text.suffix(80)): \(answer.body)")
                #expect(answer.errorType == "BadRequestException")
                #expect((answer.body["message"] as? String)?.contains("Nothing in the batch was stored") == true)
            }
            #expect(try await self.listed(server, key, detector).isEmpty)
            // A member the server does not model, nested anywhere, is stored with the finding and read back.
            let kubernetes = #""kubernetesDetails":{"kubernetesWorkloadDetails":{"name":"web","containers":[{"image":"nginx"}]}}"#
            let extended = body.replacingOccurrences(of: #""resourceType":"Instance""#, with: #""resourceType":"Instance","# + kubernetes)
            #expect(try await server.call(key, .post, "/agent/v1/findings", json: extended).status == 200)
            let stored = try await self.get(server, key, detector, ["first", "last"])
            let details = (stored["last"]?["resource"] as? [String: Any])?["kubernetesDetails"] as? [String: Any]
            #expect((details?["kubernetesWorkloadDetails"] as? [String: Any])?["name"] as? String == "web")
        }
    }
}
