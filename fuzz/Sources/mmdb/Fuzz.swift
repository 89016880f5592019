import FuzzSupport
import ThreatLists

/// A MaxMind DB file as an operator's `--geoip-city` / `--geoip-asn` would give it: opening throws `MMDBError` or
/// answers a reader whose checks, lookups and record reads end (no trap, no hang) for any address.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    guard let reader = try? MMDBReader(bytes: bytes) else { return 0 }
    fuzzCheck([24, 28, 32].contains(reader.metadata.recordSize), "record size \(reader.metadata.recordSize) was accepted")
    _ = try? reader.verify()
    let geo = GeoDatabases(city: reader, asn: reader)
    for address in ["1.1.1.1", "81.2.69.142", "0.0.0.0", "255.255.255.255", "::1.1.1.1", "2001:218::1", "ffff:ffff::1", "::ffff:8.8.8.8"] {
        if let record = reader.lookup(address) {
            fuzzCheck(record.prefixLength <= 128, "prefix length \(record.prefixLength)")
            _ = try? reader.value(record)
        }
        _ = geo.locate(address)
    }
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
