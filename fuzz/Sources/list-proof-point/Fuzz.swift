import FuzzSupport
import ThreatLists

/// One list file in the PROOF-POINT format, as fetched from a feed or uploaded by an account (see FuzzSupport.checkList).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    checkList(fuzzBytes(data, count), format: .proofPoint)
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
