import Detection
import FuzzSupport

/// Route 53 Resolver query log lines, through the one-pass reader and through JSONSerialization alone.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    for byteLevel in [true, false] {
        var parser = DNSLogParser(byteLevel: byteLevel)
        var queries = 0
        // What the parser delivers goes through the DNS rules too.
        let engine = DetectionEngine(intelligence: Intelligence(), accountId: "123456789012", detectorId: "fuzz")
        parser.parse(bytes) { query in
            fuzzCheck(
                query.queryName == query.queryName.lowercased() || query.queryName.unicodeScalars.contains { !$0.isASCII },
                "a query name kept upper-case letters")
            queries += 1
            engine.process(query)
        }
        _ = engine.findings()
        fuzzCheck(parser.statistics.records == queries, "records counted \(parser.statistics.records), delivered \(queries)")
    }
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
