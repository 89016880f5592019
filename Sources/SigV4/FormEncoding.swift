/// `application/x-www-form-urlencoded` bodies (the console's forms), made ready for Hummingbird's
/// `URLEncodedFormDecoder`. HTML forms repeat a name for each ticked checkbox (`id=a&id=b`), which that decoder reads
/// as a duplicate key. Pure, beside the percent-decoding it shares with SigV4, so that it is fuzzed.
public enum FormEncoding {
    /// The body with the names in `repeatedFields` written `name[]` (decoded as arrays), every other name kept with
    /// its first value only, names holding brackets dropped, and at most `maxFields` fields read. A name that is not
    /// validly percent-encoded is kept as it is, for the decoder to report.
    public static func normalised(_ body: String, repeatedFields: Set<String>, maxFields: Int = 1000) -> String {
        var seen: Set<String> = []
        var fields: [Substring] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true).prefix(maxFields) {
            let rawName = pair.prefix { $0 != "=" }
            let rawValue = pair.dropFirst(rawName.count + 1)
            guard let name = SigV4Encoding.percentDecode(rawName, plusAsSpace: true) else {
                fields.append(pair)
                continue
            }
            if name.contains("[") || name.contains("]") { continue }
            if repeatedFields.contains(name) {
                fields.append(rawName + "[]=" + rawValue)
            } else if seen.insert(name).inserted {
                fields.append(rawName + "=" + rawValue)
            }
        }
        return fields.joined(separator: "&")
    }
}
