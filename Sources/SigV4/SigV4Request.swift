import Crypto

/// A request as SigV4 sees it: method, the path and query exactly as sent, headers and body.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as it goes on the wire (already percent-encoded once).
    public var rawPath: String
    /// The query string as it goes on the wire, without '?'.
    public var rawQuery: String
    /// Header names and values, in order; names are compared case-insensitively.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, rawPath: String, rawQuery: String = "", headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    /// All values of a header joined with ',' and trimmed, as the canonical request lists them.
    public func canonicalHeaderValue(_ lowercasedName: String) -> String? {
        var values: [String] = []
        for header in self.headers where Self.equalIgnoringASCIICase(header.name, lowercasedName) {
            values.append(SigV4Encoding.trimAll(header.value))
        }
        return values.isEmpty ? nil : values.joined(separator: ",")
    }

    /// `name` equals `lowercased` ignoring ASCII case, without allocating (this runs for every header of every request).
    static func equalIgnoringASCIICase(_ name: String, _ lowercased: String) -> Bool {
        guard name.utf8.count == lowercased.utf8.count else { return false }
        return zip(name.utf8, lowercased.utf8).allSatisfy { a, b in (a >= 65 && a <= 90 ? a + 32 : a) == b }
    }
}
