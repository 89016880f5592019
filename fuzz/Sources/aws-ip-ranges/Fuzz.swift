import Detection
import FuzzSupport
import ThreatLists

/// AWS's `ip-ranges.json` as the intelligence feed will fetch it: the parser throws `AWSIPRangesError` or answers
/// prefixes that are networks of the family of their array, and the lookup built from them answers for any address.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    guard let ranges = try? AWSIPRanges.parse(bytes) else { return 0 }
    fuzzCheck(ranges.prefixes.count <= AWSIPRanges.maximumPrefixes, "more prefixes than the limit")
    fuzzCheck(ranges.prefixes.allSatisfy { !$0.service.isEmpty }, "a prefix without a service")
    let intelligence = Intelligence(awsRanges: ranges.prefixes)
    for prefix in ranges.prefixes.prefix(64) {
        let address: IPAddress
        switch prefix.network {
        case .v4(let value, _): address = IPAddress(v4: value)
        case .v6(let value, _): address = IPAddress(v6: value)
        }
        // Private and bogon space is never inside AWS; anything else a prefix holds is.
        fuzzCheck(address.isPrivateOrBogon || intelligence.awsRange(address) != nil, "\(prefix.network) is published but not found")
    }
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
