import Foundation
import GuardDutyModel
import PrecisionCorpus
import Testing

extension PrecisionCorpusSuites {
    /// Issue 18's goals on the small realistic corpus of two seeds: no High finding on a benign resource, at most one
    /// finding of any severity per 20 benign instance-days, recall of the injected attacks of at least 0.95, and the same
    /// findings whatever order the files are named in.
    @Suite("Precision goals on a realistic account")
    struct PrecisionGoalTests {
        @Test(arguments: [1, 2] as [UInt64])
        func aScanOfSixOrdinaryDaysWithAttacksOnTheLastMeetsThePrecisionGoals(seed: UInt64) async throws {
            let (score, inOrder, reversed) = try await CorpusScan.offPool {
                let directory = CorpusScan.temporaryDirectory("goal-\(seed)")
                defer { try? FileManager.default.removeItem(at: directory) }
                let truth = try CorpusGenerator(seed: seed, density: 0.03, intelDirectory: CorpusScan.shippedIntel).write(to: directory)
                let findings = try CorpusScan.findings(directory, accountId: truth.accountId)
                let reversed = try CorpusScan.findings(directory, accountId: truth.accountId, reversed: true)
                return (PrecisionScore(findings: findings, truth: truth), Self.pairs(findings), Self.pairs(reversed))
            }
            print("seed \(seed):\n\(score.report)")
            #expect(score.highBenign == 0, "High findings on benign resources:\n\(score.report)")
            #expect(score.benignPerInstanceDay <= 1.0 / 20, "findings on benign resources per instance-day:\n\(score.report)")
            #expect(score.recall >= 0.95, "missed: \(score.missed)")
            #expect(reversed == inOrder)
        }

        /// The (type, resource) pairs of findings.
        static func pairs(_ findings: [Finding]) -> Set<String> {
            Set(
                findings.map { finding in
                    let instance = finding.resource.instanceDetails
                    let resource =
                        instance?.instanceId ?? instance?.networkInterfaces?.first?.networkInterfaceId ?? finding
                        .resource.accessKeyDetails?.accessKeyId
                        ?? "-"
                    return "\(finding.type) \(resource)"
                })
        }
    }
}
