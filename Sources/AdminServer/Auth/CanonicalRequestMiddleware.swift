import GuardDutyModel
import Hummingbird
import SigV4

/// Refuses, before routing, a request whose path or query is not in the one form that the signature and the
/// router both read: dot segments (`/a/../b`), empty segments (`//`), percent-encoded unreserved characters
/// (`%64etector`) or broken percent-encoding. So a request always runs as the route its signature names.
public struct CanonicalRequestMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let problem = Self.problem(path: request.uri.path, query: request.uri.query) {
            throw GuardDutyError.badRequest("The request is rejected because \(problem).")
        }
        return try await next(request, context)
    }

    /// nil when the raw path and query are canonical, else what is wrong.
    public static func problem(path: String, query: String?) -> String? {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return "the request path does not start with '/'" }
        if bytes.count > 1 {
            let segments = bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            for (index, segment) in segments.enumerated() {
                // An empty last segment is a trailing slash; elsewhere it is '//'.
                if segment.isEmpty && index != segments.count - 1 { return "the request path has an empty segment ('//')" }
                if segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) {
                    return "the request path has a '.' or '..' segment"
                }
            }
        }
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = Self.hex(bytes[index + 1]), let low = Self.hex(bytes[index + 2]) else {
                    return "the request path has broken percent-encoding"
                }
                let decoded = high << 4 | low
                if Self.isUnreserved(decoded) || decoded == UInt8(ascii: ".") {
                    return "the request path percent-encodes a character that must be sent as it is"
                }
                if decoded == 0 { return "the request path holds a NUL character" }
                index += 3
            } else {
                index += 1
            }
        }
        if let query, !query.isEmpty {
            for item in query.split(separator: "&", omittingEmptySubsequences: true) {
                for part in item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false) {
                    guard let decoded = SigV4Encoding.percentDecode(part) else { return "the query string has broken percent-encoding" }
                    if decoded.utf8.contains(0) { return "the query string holds a NUL character" }
                }
            }
        }
        return nil
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }
}
