import Detection
import Foundation
import GuardDutyModel
import Testing

/// AnomalousBehavior judged when the rule closes: the principal's first sighting and each API's first call are
/// minimums over every record, so the findings are the same whatever order the records come in.
@Suite("AnomalousBehavior order")
struct AnomalousBehaviorOrderTests {
    func findings(_ events: [String], closingBefore: Int64? = nil) -> [String] {
        let engine = DetectionEngine(intelligence: Intelligence(), detectorId: "d")
        var parser = CloudTrailParser()
        parser.parse(Array(events.joined(separator: "\n").utf8)) { engine.process($0) }
        return engine.findings(closingWindowsBefore: closingBefore).map { "\($0.type)|\($0.service.count)" }.sorted()
    }

    var ordinaryDay: [String] {
        (0..<13).flatMap {
            [
                APIBaselineTests.event("DescribeInstances", hour: $0 * 2),
                APIBaselineTests.event("ListBuckets", source: "s3.amazonaws.com", hour: $0 * 2),
            ]
        }
    }

    @Test func anAnomalousCallIsFoundInEitherOrder() {
        let events =
            self.ordinaryDay + [
                APIBaselineTests.event("CreateAccessKey", source: "iam.amazonaws.com", hour: 30),
                APIBaselineTests.event("CreateAccessKey", source: "iam.amazonaws.com", hour: 31),
            ]
        let forward = self.findings(events)
        #expect(forward == ["Persistence:IAMUser/AnomalousBehavior|2"])
        #expect(self.findings(events.reversed()) == forward)
    }

    @Test func anAPIUsedWhileLearningIsLearnedEvenWhenItsRecordComesLast() {
        // The principal's early ListUsers arrives after its later ones (files read out of order): learned, not anomalous.
        let events =
            self.ordinaryDay + [
                APIBaselineTests.event("ListUsers", source: "iam.amazonaws.com", hour: 30),
                APIBaselineTests.event("ListUsers", source: "iam.amazonaws.com", hour: 1),
            ]
        #expect(self.findings(events).isEmpty)
        #expect(self.findings(events.reversed()).isEmpty)
    }

    @Test func aStreamingAgentJudgesACandidateOnlyAfterItsHold() {
        let events = self.ordinaryDay + [APIBaselineTests.event("ListUsers", source: "iam.amazonaws.com", hour: 30)]
        let call: Int64 = 1_790_000_000 + 30 * 3600
        #expect(self.findings(events, closingBefore: call + 60).isEmpty)
        #expect(self.findings(events, closingBefore: call + 3_600) == ["Discovery:IAMUser/AnomalousBehavior|1"])
    }
}
