/// `application/x-www-form-urlencoded` bodies (the console's forms): the same percent-decoding as SigV4's, with
/// `+` as a space as HTML forms send it. Kept here, beside the decoder it shares, so it is pure and fuzzed.
public enum FormEncoding {
    /// Every field's values in order; a field or value that is not validly encoded decodes to "" rather than
    /// being guessed at, and a body past `maxFields` fields is cut there.
    public static func decode(_ body: String, maxFields: Int = 1000) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        var count = 0
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            count += 1
            if count > maxFields { break }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = SigV4Encoding.percentDecode(parts[0], plusAsSpace: true) ?? ""
            let value = parts.count > 1 ? (SigV4Encoding.percentDecode(parts[1], plusAsSpace: true) ?? "") : ""
            fields[name, default: []].append(value)
        }
        return fields
    }
}
