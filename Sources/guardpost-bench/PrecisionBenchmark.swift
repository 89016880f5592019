import ArgumentParser
import Detection
import Foundation
import GuardDutyModel
import MemberAgent
import PrecisionCorpus

/// `guardpost-bench precision`: generates the realistic multi-day corpus for each seed, scans it the way
/// `guardpost-agent scan --flow-logs --cloudtrail --dns-logs --intel-dir` does, and prints the precision figures
/// (findings on benign resources per instance-day, High ones, recall of the injected attacks, false positives by type)
/// and whether the findings are the same when the files are read in reverse order.
struct PrecisionBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precision", abstract: "Precision and recall of a scan over a generated realistic account with injected attacks.")

    @Option(parsing: .upToNextOption, help: "Seeds of the corpora.") var seeds: [UInt64] = [1, 2]
    @Option(help: "Days of traffic (attacks on the last).") var days: Int = 6
    @Option(help: "Instances (at least 30).") var instances: Int = 30
    @Option(help: "Volume of the high-rate benign classes (1: about 1.5 M flow records).") var density: Double = 1
    @Option(name: .customLong("intel-dir"), help: "The shipped intelligence the corpus extends.") var intelDir: String = "intel"
    @Option(help: "Where the corpora are written (kept).") var work: String = "/tmp/guardpost-precision"
    @Flag(name: .customLong("no-reverse"), help: "Skip the order-invariance scan.") var noReverse = false

    func run() throws {
        for seed in self.seeds {
            let directory = URL(fileURLWithPath: self.work).appendingPathComponent("seed-\(seed)")
            var clock = DispatchTime.now().uptimeNanoseconds
            let truth = try CorpusGenerator(
                seed: seed, days: self.days, instances: self.instances, density: self.density, intelDirectory: self.intelDir
            ).write(to: directory)
            let generated = Self.seconds(since: &clock)
            let findings = try Self.scan(directory, accountId: truth.accountId, reversed: false)
            let scanned = Self.seconds(since: &clock)
            let score = PrecisionScore(findings: findings, truth: truth)
            print("== seed \(seed): \(truth.instances) instances, \(truth.days) days, density \(self.density) (\(directory.path))")
            print(
                "records: flow \(truth.flowRecords), cloudtrail \(truth.cloudTrailRecords), dns \(truth.dnsRecords); "
                    + String(format: "generated in %.1f s, scanned in %.1f s; %d findings", generated, scanned, findings.count))
            print(score.report)
            guard !self.noReverse else { continue }
            let reversed = try Self.scan(directory, accountId: truth.accountId, reversed: true)
            let forward = Self.summary(findings)
            let backward = Self.summary(reversed)
            print("order invariance (type, resource) in reverse file order: \(forward == backward ? "same" : "DIFFERENT")")
            for line in forward.symmetricDifference(backward).sorted().prefix(10) {
                print("  \(forward.contains(line) ? "only in order" : "only reversed"): \(line)")
            }
        }
    }

    /// What `guardpost-agent scan` runs: built-in intelligence from the corpus's intel/, the engine, the pipeline.
    static func scan(_ directory: URL, accountId: String, reversed: Bool) throws -> [Finding] {
        let intelligence = BuiltInIntelligence(directory: directory.appendingPathComponent("intel").path).intelligence(
            threatLists: [], trustedLists: [])
        let engine = DetectionEngine(intelligence: intelligence, accountId: accountId, region: "us-east-1", detectorId: "precision")
        let pipeline = LogPipeline(engine: engine)
        for (folder, source) in [("flow", DataSource.flowLogs), ("cloudtrail", .cloudTrail), ("dns", .dnsLogs)] {
            let files = try LogInput.files(directory.appendingPathComponent(folder).path)
            // As `scan` names them on its command line: the pipeline orders the files by their first record's time.
            try pipeline.scan(reversed ? files.reversed() : files, as: source)
        }
        return engine.findings()
    }

    /// The (type, resource) pairs of findings.
    static func summary(_ findings: [Finding]) -> Set<String> {
        Set(
            findings.map { finding in
                let instance = finding.resource.instanceDetails
                let resource =
                    instance?.instanceId ?? instance?.networkInterfaces?.first?.networkInterfaceId ?? finding.resource.accessKeyDetails?.accessKeyId
                    ?? finding.resource.accessKeyDetails?.userName ?? "-"
                return "\(finding.type) \(resource)"
            })
    }

    static func seconds(since clock: inout UInt64) -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { clock = now }
        return Double(now - clock) / 1e9
    }
}
