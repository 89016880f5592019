import ArgumentParser
import Detection
import Foundation

/// `guardpost-bench k8s-audit`: a Kubernetes audit log read into memory, then parsed by `KubernetesAuditParser` and
/// judged by the engine's Kubernetes rules on one thread, as `guardpost-agent scan --k8s-audit-logs` does; prints
/// MB/s and events/s (the best of `--repeat` runs, each with a fresh engine), and the findings raised.
struct KubernetesAuditBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s-audit", abstract: "Kubernetes audit log parsed and judged on one core; report MB/s.")

    @Option(help: "The audit log (JSON lines).") var file: String
    @Option(help: "Runs; the fastest is reported.") var `repeat`: Int = 3

    func run() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: self.file)))
        var best = Double.infinity
        var events = 0
        var malformed = 0
        var findings = 0
        for _ in 0..<max(1, self.repeat) {
            let engine = DetectionEngine(intelligence: Intelligence(), accountId: "123456789012", detectorId: "bench")
            engine.clusterName = "bench"
            var parser = KubernetesAuditParser()
            let start = DispatchTime.now().uptimeNanoseconds
            parser.parse(bytes) { engine.process($0) }
            let raised = engine.findings()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
            events = parser.statistics.records
            malformed = parser.statistics.malformed
            findings = raised.count
        }
        let megabytes = Double(bytes.count) / 1_000_000
        print(
            String(
                format: "guardpost k8s-audit: %.1f MB, %d events (%d malformed) in %.3f s: %.1f MB/s, %.0f events/s, %d findings",
                megabytes, events, malformed, best, megabytes / best, Double(events) / best, findings))
    }
}
