/// A source argument `s3://bucket/prefix/`: the bucket, and the folder that holds `AWSLogs/` (the trail's or flow
/// log's S3 key prefix; empty when the logs start at the bucket's root). A prefix that already runs into `AWSLogs/…`
/// is cut there.
public struct S3SourceURL: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// Ends with `AWSLogs/`.
    public var base: String

    public init?(_ argument: String) {
        guard argument.lowercased().hasPrefix("s3://") else { return nil }
        let rest = argument.dropFirst(5)
        let bucket = String(rest.prefix { $0 != "/" })
        var prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
        guard Self.isBucketName(bucket), !prefix.contains("//"), !prefix.split(separator: "/").contains(where: { $0 == "." || $0 == ".." })
        else { return nil }
        if let range = prefix.range(of: "AWSLogs/") ?? (prefix.hasSuffix("AWSLogs") ? prefix.range(of: "AWSLogs") : nil),
            range.lowerBound == prefix.startIndex || prefix[prefix.index(before: range.lowerBound)] == "/"
        {
            prefix = String(prefix[..<range.lowerBound])
        }
        if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
        self.bucket = bucket
        self.base = prefix + "AWSLogs/"
    }

    public static func isSource(_ argument: String) -> Bool { argument.lowercased().hasPrefix("s3://") }

    /// S3's bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.
    static func isBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool { (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) }
        return alphanumeric(first) && alphanumeric(last) && bytes.allSatisfy { alphanumeric($0) || $0 == 46 || $0 == 45 }
    }

    public var description: String { "s3://\(self.bucket)/\(self.base.dropLast("AWSLogs/".count))" }
}
