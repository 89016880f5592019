import Detection
import FuzzSupport

/// CloudTrail bytes through the plain reader (JSONSerialization: a whole document, else JSON lines).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    var parser = CloudTrailParser(byteLevel: false)
    var events = 0
    // What the parser delivers goes through the CloudTrail and S3 rules too.
    let engine = DetectionEngine(intelligence: Intelligence(), accountId: "123456789012", detectorId: "fuzz")
    parser.parse(bytes) { event in
        fuzzCheck(!event.eventName.isEmpty && !event.eventSource.isEmpty, "an event without eventName or eventSource was delivered")
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
