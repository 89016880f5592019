import Detection
import Foundation
import Testing

/// Panther's labelled rule tests (../shared/data/panther-rule-tests), for the rules of theirs that cover what a rule
/// of ours covers: each test log is scanned alone and "detected" means our finding type appeared. The measured
/// precision and recall are printed and held to the floors below (see the README for the figures).
@Suite("Panther labelled rule tests")
struct PantherRuleTests {
    struct Case: Decodable {
        var ruleId: String
        var expectedResult: Bool
        var log: AnyJSON

        enum CodingKeys: String, CodingKey {
            case ruleId = "rule_id"
            case expectedResult = "expected_result"
            case log
        }
    }

    /// Any JSON value, re-encoded for our parsers.
    struct AnyJSON: Decodable {
        let value: Any
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let object = try? container.decode([String: AnyJSON].self) {
                self.value = object.mapValues(\.value)
            } else if let array = try? container.decode([AnyJSON].self) {
                self.value = array.map(\.value)
            } else if let string = try? container.decode(String.self) {
                self.value = string
            } else if let bool = try? container.decode(Bool.self) {
                self.value = bool
            } else if let number = try? container.decode(Double.self) {
                self.value = number
            } else {
                self.value = NSNull()
            }
        }
    }

    /// Cases of rules that span several services count only when their event is from `eventSource` (if given).
    static let sources: [String: String] = ["AWS.CloudTrail.ResourceMadePublic": "s3.amazonaws.com"]

    static let mappings: [(file: String, rules: Set<String>, ourType: String, minimumPrecision: Double, minimumRecall: Double)] = [
        ("cloudtrail_rule_tests.jsonl", ["AWS.CloudTrail.Stopped"], "Stealth:IAMUser/CloudTrailLoggingDisabled", 0.5, 1.0),
        ("cloudtrail_rule_tests.jsonl", ["AWS.Root.Activity", "AWS.Console.RootLogin"], "Policy:IAMUser/RootCredentialUsage", 0.6, 1.0),
        (
            "cloudtrail_rule_tests.jsonl", ["AWS.CloudTrail.IMDSCredentialExfiltration"],
            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 1.0, 1.0
        ),
        ("vpcdns_rule_tests.jsonl", ["AWS.DNS.Crypto.Domain"], "CryptoCurrency:EC2/BitcoinTool.B!DNS", 1.0, 1.0),
        ("cloudtrail_rule_tests.jsonl", ["AWS.S3.DeletePublicAccessBlock"], "Policy:S3/BucketBlockPublicAccessDisabled", 1.0, 1.0),
        ("cloudtrail_rule_tests.jsonl", ["AWS.S3.DisableBucketLogging"], "Stealth:S3/ServerAccessLoggingDisabled", 1.0, 1.0),
        ("cloudtrail_rule_tests.jsonl", ["AWS.CloudTrail.ResourceMadePublic"], "Policy:S3/BucketAnonymousAccessGranted", 1.0, 1.0),
    ]

    @Test("precision and recall of the rules that overlap", arguments: 0..<Self.mappings.count)
    func measure(index: Int) throws {
        let mapping = Self.mappings[index]
        let intel = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("intel/dns-domains.tsv"), encoding: .utf8)
        let lines = String(decoding: try SharedData.bytes("panther-rule-tests/\(mapping.file)"), as: UTF8.self).split(separator: "\n")
        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0
        var trueNegatives = 0
        for line in lines {
            let test = try JSONDecoder().decode(Case.self, from: Data(line.utf8))
            guard mapping.rules.contains(test.ruleId) else { continue }
            if let source = Self.sources[test.ruleId], (test.log.value as? [String: Any])?["eventSource"] as? String != source { continue }
            let engine = DetectionEngine(intelligence: Intelligence(builtInDomains: Intelligence.builtInDomains(tsv: intel)), detectorId: "d")
            let bytes = Array(try JSONSerialization.data(withJSONObject: test.log.value))
            if mapping.file.hasPrefix("vpcdns") {
                var parser = DNSLogParser()
                parser.parse(bytes) { engine.process($0) }
            } else {
                var parser = CloudTrailParser()
                parser.parse(bytes) { engine.process($0) }
            }
            let detected = engine.findings().contains { $0.type == mapping.ourType }
            switch (detected, test.expectedResult) {
            case (true, true): truePositives += 1
            case (true, false): falsePositives += 1
            case (false, true): falseNegatives += 1
            case (false, false): trueNegatives += 1
            }
        }
        let precision = truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        let recall = truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        print(
            "panther \(mapping.rules.sorted().joined(separator: "+")) → \(mapping.ourType): TP \(truePositives) FP \(falsePositives) FN \(falseNegatives) TN \(trueNegatives) precision \(precision) recall \(recall)"
        )
        #expect(truePositives + falsePositives + falseNegatives + trueNegatives > 0)
        #expect(precision >= mapping.minimumPrecision)
        #expect(recall >= mapping.minimumRecall)
    }
}
