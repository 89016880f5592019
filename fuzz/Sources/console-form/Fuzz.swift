import FuzzSupport
import SigV4

/// The console's form bodies (`FormEncoding.normalised`, what every console form goes through before Hummingbird's
/// `URLEncodedFormDecoder`): any bytes give at most 1,000 fields, a name outside the repeated set at most once, and no name with brackets but the repeated ones' `[]` (a name that is not validly encoded is left for the decoder).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let body = String(decoding: fuzzBytes(data, count), as: UTF8.self)
    let repeated: Set<String> = ["id", "account"]
    let normalised = FormEncoding.normalised(body, repeatedFields: repeated)
    let fields = normalised.split(separator: "&")
    fuzzCheck(fields.count <= 1000, "more than 1,000 fields")
    var seen: Set<String> = []
    for field in fields {
        let rawName = field.prefix { $0 != "=" }
        guard let name = SigV4Encoding.percentDecode(rawName, plusAsSpace: true) else { continue }
        if name.hasSuffix("[]") {
            fuzzCheck(repeated.contains(String(name.dropLast(2))), "a name that is not repeated written as an array")
        } else {
            fuzzCheck(!name.contains("[") && !name.contains("]"), "a name with brackets kept")
            fuzzCheck(seen.insert(name).inserted, "a name that is not repeated kept twice")
        }
    }
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
