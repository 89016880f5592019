import Detection
import FuzzSupport

/// Kubernetes audit logs through `KubernetesAuditParser` (JSON lines of `audit.k8s.io` events, `EventList`
/// documents), and what it delivers through the engine's Kubernetes rules (which read request objects as trees).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    var parser = KubernetesAuditParser()
    var events = 0
    let engine = DetectionEngine(intelligence: Intelligence(), accountId: "123456789012", detectorId: "fuzz")
    parser.parse(bytes) { event in
        events += 1
        engine.process(event)
    }
    _ = engine.findings()
    fuzzCheck(parser.statistics.records == events, "records counted \(parser.statistics.records), delivered \(events)")
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
