import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// `guardpost-bench findings-query`: latency of the administrator's findings operations over a loaded store.
struct FindingsQueryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings-query", abstract: "ListFindings, GetFindings and GetFindingsStatistics latency (one connection, sequential).")

    @Option var endpoint: String
    @Option(name: .customLong("admin-keys")) var adminKeys: String
    @Option var requests: Int = 200
    @Option var region: String = "us-east-1"
    @Option(help: "Printed before every figure (e.g. the state of the store: after load, during ingest, after VACUUM).") var label: String = ""
    @Flag(name: .customLong("statistics-only"), help: "Only the GetFindingsStatistics cases.") var statisticsOnly = false

    func run() async throws {
        let http = benchHTTPClient()
        defer { Task { try? await http.shutdown() } }
        let keys = try AccountKeys.load(self.adminKeys)[0]
        let client = try keys.client(self.endpoint, region: self.region, http: http)
        guard let detector = try await client.json("GET", "/detector", as: Detectors.self).detectorIds.first else {
            throw ValidationError("no detector")
        }
        let typical =
            #"{"findingCriteria":{"criterion":{"severity":{"gte":7},"service.archived":{"eq":["false"]}}},"sortCriteria":{"attributeName":"updatedAt","orderBy":"DESC"},"maxResults":50}"#
        let ids = try await client.json("POST", "/detector/\(detector)/findings", body: Optional<String>.none, as: ListFindingsResponse.self)
            .findingIds
        let getBody = String(decoding: try JSONEncoder().encode(["findingIds": ids]), as: UTF8.self)
        let cases: [(String, String, String)] = [
            ("ListFindings severity>=7, current, updatedAt desc, 50", "/detector/\(detector)/findings", typical),
            ("ListFindings no criteria, 50", "/detector/\(detector)/findings", #"{"maxResults":50}"#),
            ("GetFindings 50 ids", "/detector/\(detector)/findings/get", getBody),
            ("GetFindingsStatistics groupBy SEVERITY", "/detector/\(detector)/findings/statistics", #"{"groupBy":"SEVERITY"}"#),
            ("GetFindingsStatistics groupBy ACCOUNT", "/detector/\(detector)/findings/statistics", #"{"groupBy":"ACCOUNT","maxResults":100}"#),
            (
                "GetFindingsStatistics COUNT_BY_SEVERITY", "/detector/\(detector)/findings/statistics",
                #"{"findingStatisticTypes":["COUNT_BY_SEVERITY"]}"#
            ),
        ]
        let prefix = self.label.isEmpty ? "" : "[\(self.label)] "
        print("== findings-query \(prefix)\(ids.count) ids on the first page; \(self.requests) sequential requests per case")
        for (label, path, body) in cases where !self.statisticsOnly || label.hasPrefix("GetFindingsStatistics") {
            var latencies: [Double] = []
            for round in 0..<(self.requests + 5) {
                let start = ContinuousClock.now
                _ = try await client.send("POST", path, body: Array(body.utf8))
                if round >= 5 { latencies.append(StartMark.seconds(start, ContinuousClock.now)) }
            }
            latencies.sort()
            print(
                String(format: "%@%@: p50 %.1f ms, p99 %.1f ms", prefix, label, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000)
            )
        }
    }
}
