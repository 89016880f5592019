import Crypto
import FuzzSupport
import SigV4

let verifier = SigV4Verifier()
let credentials = SigV4Credentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
let timestamp = "20240101T120000Z"
let now = SigV4Time.parse(timestamp)!
nonisolated(unsafe) let signingKey = SigV4.signingKey(
    secret: credentials.secretAccessKey, date: "20240101", region: "us-east-1", service: "guardduty")

/// A header name as clients send them: letters, digits and '-' (the fuzzer's bytes mapped onto those).
func headerName(_ raw: ArraySlice<UInt8>) -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-XYZ".utf8)
    let name = String(decoding: raw.prefix(24).map { alphabet[Int($0) % alphabet.count] }, as: UTF8.self)
    return name.isEmpty ? "x" : name
}

/// A request as the server sees it, from the fuzzer's bytes: lines of method, path, query, an Authorization header,
/// an X-Amz-Date header, then header name/value pairs; the rest is the body.
///
/// 1. The request as sent (its own Authorization header) goes through `precheck` and `verify`: errors, never a crash.
/// 2. The same request signed by `SigV4Signer` must verify (sign → verify is what every client call relies on).
/// 3. The encodings on their own: percent-decoding, the canonical URI and query.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    var reader = FuzzReader(fuzzBytes(data, count))
    let method = reader.string()
    let path = reader.string()
    let query = reader.string()
    let authorization = reader.string()
    let date = reader.string()
    var headers: [(name: String, value: String)] = [(name: "Host", value: "guardduty.us-east-1.amazonaws.com")]
    for _ in 0..<Int(reader.byte() % 4) {
        let name = headerName(reader.field(separator: 58))
        headers.append((name: name, value: reader.string()))
    }
    let body = reader.rest

    var asSent = SigV4Request(
        method: method, rawPath: path, rawQuery: query,
        headers: headers + [(name: "Authorization", value: authorization), (name: "X-Amz-Date", value: date)], body: body)
    do {
        let (parsed, stamp) = try verifier.precheck(asSent, now: now)
        try verifier.verify(asSent, authorization: parsed, timestamp: stamp, signingKey: signingKey)
    } catch {}
    _ = try? SigV4Authorization.parse(authorization)
    _ = SigV4Time.parse(date)

    // Round trip (headers the signer replaces or that carry a declared hash are left out).
    asSent.headers = headers.filter { !["authorization", "x-amz-date", "x-amz-content-sha256"].contains($0.name.lowercased()) }
    var signed = asSent
    SigV4Signer(credentials: credentials, region: "us-east-1").sign(&signed, timestamp: timestamp)
    do {
        let (parsed, stamp) = try verifier.precheck(signed, now: now)
        try verifier.verify(signed, authorization: parsed, timestamp: stamp, signingKey: signingKey)
    } catch {
        fuzzCheck(false, "a request signed by SigV4Signer was refused: \(error)")
    }

    _ = SigV4Encoding.percentDecode(path)
    _ = SigV4Encoding.percentDecode(query, plusAsSpace: true)
    let uri = SigV4Encoding.canonicalURI(rawPath: path)
    fuzzCheck(uri.hasPrefix("/"), "a canonical URI does not start with '/'")
    _ = SigV4Encoding.canonicalQuery(rawQuery: query)
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
