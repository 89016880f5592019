import AsyncHTTPClient
import CZlib
import Foundation
import NIOCore
import NIOHTTP1
import SigV4

/// S3 object locations as accounts write them, and the rules a bucket name and key must follow before the server
/// makes any request for them.
public enum S3Location {
    /// `s3://bucket/key` and the S3 https forms GuardDuty documents (path-style and virtual-hosted, with or without a region).
    public static func parse(_ location: String) -> (bucket: String, key: String)? {
        if location.lowercased().hasPrefix("s3://") {
            let rest = location.dropFirst(5)
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else { return nil }
            return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
        }
        guard let url = URL(string: location), let host = url.host?.lowercased(), host.hasSuffix(".amazonaws.com") else { return nil }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let labels = host.split(separator: ".")
        if let first = labels.first, first == "s3" || first.hasPrefix("s3-") {
            // Path-style: s3[-region|.region].amazonaws.com/bucket/key
            guard let slash = path.firstIndex(of: "/") else { return nil }
            return (String(path[..<slash]), String(path[path.index(after: slash)...]))
        }
        if let index = labels.firstIndex(where: { $0 == "s3" || $0.hasPrefix("s3-") }), index > 0 {
            // Virtual-hosted: bucket.s3[-region|.region].amazonaws.com/key
            return (labels[..<index].joined(separator: "."), path)
        }
        return nil
    }

    /// nil when the bucket name and key may be requested, else why not. Keys with empty, `.` or `..` segments are
    /// refused: an S3-compatible server or a proxy could resolve them out of the bucket.
    public static func problem(bucket: String, key: String?) -> String? {
        guard (3...63).contains(bucket.utf8.count),
            bucket.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 }),
            !bucket.contains(".."), bucket.first != ".", bucket.last != "."
        else {
            return "'\(OutboundPolicy.printable(bucket))' is not a valid S3 bucket name"
        }
        guard let key else { return nil }
        guard !key.isEmpty, key.utf8.count <= 1024 else { return "the S3 key is empty or longer than 1024 bytes" }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty || segment == "." || segment == ".." {
                return "the S3 key has an empty, '.' or '..' segment"
            }
        }
        guard key.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return "the S3 key has control characters" }
        return nil
    }
}
