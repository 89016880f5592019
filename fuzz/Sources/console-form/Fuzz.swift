import FuzzSupport
import SigV4

/// The console's form bodies (`FormEncoding.decode`, what every console POST goes through): any bytes decode
/// without a crash to at most 1,000 fields, and a form built from decoded values (each name and value
/// percent-encoded again) decodes back to the same fields.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let body = String(decoding: fuzzBytes(data, count), as: UTF8.self)
    let fields = FormEncoding.decode(body)
    fuzzCheck(fields.values.reduce(0) { $0 + $1.count } <= 1000, "more than 1,000 fields decoded")
    var pairs: [String] = []
    for (name, values) in fields.sorted(by: { $0.key < $1.key }) {
        for value in values {
            pairs.append(SigV4Encoding.percentEncode(name) + "=" + SigV4Encoding.percentEncode(value))
        }
    }
    let again = FormEncoding.decode(pairs.joined(separator: "&"))
    // Empty names are dropped by neither side; a decoded form of encoded values must read back as itself.
    fuzzCheck(again == fields, "a re-encoded form does not decode to the same fields")
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
