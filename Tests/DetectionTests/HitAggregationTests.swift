import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// Records that hit a threat list are aggregated into one finding per (interface, role, remote) exactly as before —
/// counts, first and last seen, the earliest record's details — and a flood of distinct remotes is bounded: per
/// resource and window, and by the findings the engine may hold, with the rest counted in "and N more" summaries.
@Suite("Threat list hits: aggregation and limits")
struct HitAggregationTests {
    static let start = 1_700_000_000

    static func engine(perResource: Int = 100, maxFindings: Int? = nil) -> (DetectionEngine, FlowLogParser) {
        var thresholds = DetectionEngine.Thresholds()
        thresholds.distinctFindingsPerResource = perResource
        let list = ListParser.parse(Array("45.9.0.0/16\n".utf8), format: .txt, content: .addressesAndDomains)
        let engine = DetectionEngine(
            intelligence: Intelligence(threatLists: [("hosting.txt", list)], trustedLists: []), accountId: "123456789012",
            detectorId: "d0000000000000000000000000000000", thresholds: thresholds)
        if let maxFindings { engine.maxFindings = maxFindings }
        return (engine, FlowLogParser(names: engine.names))
    }

    static func feed(_ lines: [String], to engine: DetectionEngine, with parser: inout FlowLogParser) {
        parser.parse(Array((lines.joined(separator: "\n") + "\n").utf8)) { engine.process($0) }
    }

    static func custom(_ findings: [Finding]) -> [Finding] { findings.filter { $0.type == "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom" } }

    @Test func repeatedHitsCountInOneFindingPerRemoteWithTheirSpanWhateverTheOrder() throws {
        // Three listed remotes, each seen several times (inbound), a miss in between, records out of time order.
        var lines: [String] = []
        var expected: [String: (count: Int, first: Int, last: Int)] = [:]
        for (index, remote) in ["45.9.1.1", "45.9.2.2", "45.9.3.3"].enumerated() {
            for repeatIndex in 0..<(index + 2) {
                let time = Self.start + 600 * repeatIndex + 7 * index
                lines.append(flowLine(remote, "10.0.0.5", 40_000 + repeatIndex, 443, start: time))
                let seen = expected[remote] ?? (0, time, time)
                expected[remote] = (seen.count + 1, min(seen.first, time), max(seen.last, time))
            }
            lines.append(flowLine("8.8.8.8", "10.0.0.5", 53, 40_000, start: Self.start))
        }
        var results: [[Finding]] = []
        for ordered in [lines, lines.reversed(), lines.sorted()] {
            var (engine, parser) = Self.engine()
            Self.feed(ordered, to: engine, with: &parser)
            results.append(Self.custom(engine.findings()))
        }
        #expect(results[0] == results[1] && results[1] == results[2])
        let findings = results[0]
        #expect(findings.count == 3)
        for finding in findings {
            let remote = try #require(finding.service.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4)
            let want = try #require(expected[remote])
            #expect(finding.service.count == want.count)
            #expect(Timestamps.parse(finding.service.eventFirstSeen) == Int64(want.first))
            #expect(Timestamps.parse(finding.service.eventLastSeen) == Int64(want.last))
            #expect(finding.service.resourceRole == "TARGET")
            // The details are those of the earliest record (its client port).
            #expect(finding.service.action.networkConnectionAction?.remotePortDetails?.port == 40_000)
            #expect(finding.description.contains(remote) && finding.description.contains("hosting.txt"))
            #expect(finding.service.additionalInfo?.value == #"{"sample":false,"threatListName":"hosting.txt"}"#)
        }
    }

    @Test func aFloodOfDistinctRemotesOnOneInstanceIsCappedPerWindowWithAnExactAndNMore() throws {
        var (engine, parser) = Self.engine(perResource: 5)
        // Window 1: 40 distinct remotes, the last 10 twice; window 2 (600 s later): 8 more distinct remotes.
        var lines = (0..<40).map { flowLine("45.9.7.\($0 + 1)", "10.0.0.5", 50_000 + $0, 443, start: Self.start + $0) }
        lines += (30..<40).map { flowLine("45.9.7.\($0 + 1)", "10.0.0.5", 51_000 + $0, 443, start: Self.start + 100 + $0) }
        lines += (0..<8).map { flowLine("45.9.8.\($0 + 1)", "10.0.0.5", 52_000 + $0, 443, start: Self.start + 1_200 + $0) }
        Self.feed(lines, to: engine, with: &parser)
        let findings = Self.custom(engine.findings())
        let summaries = findings.filter { $0.service.additionalInfo?.value.contains(#""summaryOf":"resource""#) == true }
        let single = findings.filter { !summaries.contains($0) }
        // Five findings of their own per window, the rest of both windows in the instance's one summary.
        #expect(single.count == 10)
        #expect(summaries.count == 1)
        let summary = try #require(summaries.first)
        #expect(summary.service.count == 35 + 10 + 3)
        #expect(summary.service.additionalInfo?.value.contains(#""omittedCount":48"#) == true)
        #expect(summary.description.hasPrefix("48 more occurrences"))
        // It shows the first record it counts, and spans all it counts.
        #expect(summary.service.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4 == "45.9.7.6")
        #expect(Timestamps.parse(summary.service.eventFirstSeen) == Int64(Self.start + 5))
        #expect(Timestamps.parse(summary.service.eventLastSeen) == Int64(Self.start + 1_207))
        // Every record that hit is counted exactly once.
        #expect(findings.map(\.service.count).reduce(0, +) == lines.count)
    }

    @Test func theFindingsHeldStopAtTheLimitAndTheRestIsCountedInTheAccountsSummary() throws {
        var (engine, parser) = Self.engine(maxFindings: 20)
        // 300 distinct remotes over 100 instances: 3 each, under the per-instance limit.
        let lines = (0..<300).map {
            flowLine("45.9.\($0 / 100).\($0 % 100 + 1)", "10.0.1.\($0 % 100 + 1)", 50_000, 443, start: Self.start + $0, eni: "eni-\($0 % 100)")
        }
        Self.feed(lines, to: engine, with: &parser)
        let findings = Self.custom(engine.findings())
        #expect(engine.heldFindings <= 21)
        let summaries = findings.filter { $0.service.additionalInfo?.value.contains(#""summaryOf":"account""#) == true }
        #expect(summaries.count == 1)
        #expect(findings.count == 21)
        #expect(try #require(summaries.first).service.count == 280)
        #expect(findings.map(\.service.count).reduce(0, +) == lines.count)
    }

    @Test func findingsTakenBackFromACheckpointKeepCountingUnderTheCompactKey() throws {
        let line = flowLine("45.9.1.1", "10.0.0.5", 40_000, 443, start: Self.start)
        var (first, firstParser) = Self.engine()
        Self.feed([line], to: first, with: &firstParser)
        let saved = Self.custom(first.findings())
        var (second, secondParser) = Self.engine()
        second.restore(saved)
        Self.feed([flowLine("45.9.1.1", "10.0.0.5", 40_001, 443, start: Self.start + 60)], to: second, with: &secondParser)
        let findings = Self.custom(second.findings())
        #expect(findings.count == 1)
        #expect(findings.first?.id == saved.first?.id)
        #expect(findings.first?.service.count == 2)
        #expect(findings.first.flatMap { Timestamps.parse($0.service.eventLastSeen) } == Int64(Self.start + 60))
    }
}
