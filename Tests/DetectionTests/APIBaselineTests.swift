import Detection
import Foundation
import GuardDutyModel
import Testing

/// Per-principal API baselines: the AnomalousBehavior families of IAM and S3.
@Suite("API baselines")
struct APIBaselineTests {
    static func event(_ name: String, source: String = "ec2.amazonaws.com", hour: Int, key: String = "AKIAALICE", data: Bool = false) -> String {
        let time = Date(timeIntervalSince1970: 1_790_000_000 + Double(hour) * 3600).formatted(.iso8601)
        let category = data ? #","eventCategory":"Data","managementEvent":false,"requestParameters":{"bucketName":"ledger","key":"a.csv"}"# : ""
        return
            #"{"eventTime":"\#(time)","eventSource":"\#(source)","eventName":"\#(name)","awsRegion":"us-east-1","sourceIPAddress":"198.18.0.1","userAgent":"aws-cli/2","userIdentity":{"type":"IAMUser","principalId":"AIDA\#(key)","arn":"arn:aws:iam::123456789012:user/\#(key)","accountId":"123456789012","accessKeyId":"\#(key)","userName":"\#(key)"},"recipientAccountId":"123456789012"\#(category)}"#
    }

    func types(_ events: [String], s3DataEvents: Bool = true) -> Set<String> {
        let engine = DetectionEngine(intelligence: Intelligence(), detectorId: "d")
        engine.s3DataEvents = s3DataEvents
        var parser = CloudTrailParser()
        parser.parse(Array(events.joined(separator: "\n").utf8)) { engine.process($0) }
        return Set(engine.findings().map(\.type))
    }

    /// A day of ordinary work: describing instances and listing buckets every two hours.
    var ordinaryDay: [String] {
        (0..<13).flatMap { [Self.event("DescribeInstances", hour: $0 * 2), Self.event("ListBuckets", source: "s3.amazonaws.com", hour: $0 * 2)] }
    }

    @Test func anAPIOfATacticNeverUsedWhileLearningIsAnomalousAndLearnedOnesAreNot() {
        #expect(
            self.types(self.ordinaryDay + [Self.event("CreateAccessKey", source: "iam.amazonaws.com", hour: 30)]) == [
                "Persistence:IAMUser/AnomalousBehavior"
            ])
        #expect(
            self.types(self.ordinaryDay + [Self.event("StopLogging", source: "cloudtrail.amazonaws.com", hour: 30)])
                .contains("DefenseEvasion:IAMUser/AnomalousBehavior"))
        #expect(
            self.types(self.ordinaryDay + [Self.event("ListUsers", source: "iam.amazonaws.com", hour: 30)]) == ["Discovery:IAMUser/AnomalousBehavior"]
        )
        // Learned APIs, APIs outside the tactics, and anything while learning: nothing.
        #expect(self.types(self.ordinaryDay + [Self.event("DescribeInstances", hour: 30)]).isEmpty)
        #expect(self.types(self.ordinaryDay + [Self.event("PutMetricData", source: "monitoring.amazonaws.com", hour: 30)]).isEmpty)
        #expect(self.types([Self.event("DescribeInstances", hour: 0), Self.event("CreateAccessKey", source: "iam.amazonaws.com", hour: 3)]).isEmpty)
        // Each principal has its own baseline.
        #expect(self.types(self.ordinaryDay + [Self.event("CreateAccessKey", source: "iam.amazonaws.com", hour: 30, key: "AKIABOB")]).isEmpty)
    }

    @Test func s3DataEventsNeverUsedWhileLearningAreAnomalousByWhatTheyDo() {
        let learned = (0..<13).map { Self.event("GetObject", source: "s3.amazonaws.com", hour: $0 * 2, data: true) }
        #expect(
            self.types(learned + [Self.event("DeleteObject", source: "s3.amazonaws.com", hour: 30, data: true)]) == [
                "Impact:S3/AnomalousBehavior.Delete"
            ])
        #expect(
            self.types(learned + [Self.event("PutObjectAcl", source: "s3.amazonaws.com", hour: 30, data: true)]) == [
                "Impact:S3/AnomalousBehavior.Permission"
            ])
        #expect(
            self.types(learned + [Self.event("PutObject", source: "s3.amazonaws.com", hour: 30, data: true)]) == ["Impact:S3/AnomalousBehavior.Write"]
        )
        #expect(self.types(learned + [Self.event("GetObject", source: "s3.amazonaws.com", hour: 30, data: true)]).isEmpty)
        // With S3 Protection off the data events are not analysed at all.
        #expect(self.types(learned + [Self.event("DeleteObject", source: "s3.amazonaws.com", hour: 30, data: true)], s3DataEvents: false).isEmpty)
    }

    @Test func learnedBaselinesSurviveARestart() throws {
        let first = DetectionEngine(intelligence: Intelligence(), detectorId: "d")
        var parser = CloudTrailParser()
        parser.parse(Array(self.ordinaryDay.joined(separator: "\n").utf8)) { first.process($0) }
        var flows = FlowLogParser(names: first.names)
        let flowLines = (0..<50).map {
            "2 123456789012 eni-a 10.0.0.5 93.184.216.34 49152 443 6 10 5000 \(1_790_000_000 + $0 * 1800) \(1_790_000_060 + $0 * 1800) ACCEPT OK"
        }
        flows.parse(Array(flowLines.joined(separator: "\n").utf8)) { first.process($0) }
        // Through JSON, as the agent's checkpoint keeps it.
        let saved = try JSONDecoder().decode(LearnedBaselines.self, from: try JSONEncoder().encode(first.learnedBaselines()))
        #expect(saved.principals["AKIAALICE"]?.apis.contains("ec2.amazonaws.com:DescribeInstances") == true)
        #expect(saved.instances["eni:eni-a"]?.ports == [443])
        let second = DetectionEngine(intelligence: Intelligence(), detectorId: "d")
        second.restore(saved)
        var again = CloudTrailParser()
        again.parse(
            Array(
                [Self.event("DescribeInstances", hour: 30), Self.event("CreateAccessKey", source: "iam.amazonaws.com", hour: 30)].joined(
                    separator: "\n"
                ).utf8)
        ) { second.process($0) }
        var moreFlows = FlowLogParser(names: second.names)
        moreFlows.parse(
            Array(
                "2 123456789012 eni-a 10.0.0.5 93.184.216.34 49152 6667 6 10 5000 \(1_790_000_000 + 30 * 3600) \(1_790_000_060 + 30 * 3600) ACCEPT OK"
                    .utf8)
        ) { second.process($0) }
        #expect(Set(second.findings().map(\.type)) == ["Persistence:IAMUser/AnomalousBehavior", "Behavior:EC2/NetworkPortUnusual"])
    }
}
