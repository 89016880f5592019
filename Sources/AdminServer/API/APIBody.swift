import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import SigV4

extension Collection where Element == UInt8, Index == Int {
    /// Whether JSON text holds a `\u0000` escape (a NUL in a string): `u0000` after an odd run of backslashes.
    var containsNULEscape: Bool {
        var index = self.startIndex
        var backslashes = 0
        while index < self.endIndex {
            let byte = self[index]
            if byte == UInt8(ascii: "\\") {
                backslashes += 1
            } else {
                if backslashes % 2 == 1, byte == UInt8(ascii: "u"), index + 4 < self.endIndex,
                   self[(index + 1)...(index + 4)].allSatisfy({ $0 == UInt8(ascii: "0") }) {
                    return true
                }
                backslashes = 0
            }
            index += 1
        }
        return false
    }
}

/// Decoding requests and encoding responses as rest-json does.
enum APIBody {
    /// GuardDuty's largest requests (50 account details, 200 tags) are far below this.
    static let maxBodySize = 1 << 20

    /// Decodes the JSON body; an empty body counts as `{}` so that all-optional shapes accept it.
    static func decode<T: Decodable>(_ type: T.Type, from context: AuthenticatedContext) throws -> T {
        var buffer = context.body
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        // PostgreSQL's text cannot hold NUL: refused here once, for every operation, rather than failing in a store.
        guard !bytes.containsNULEscape else {
            throw GuardDutyError.badRequest("The request is rejected because a string in it holds a NUL character (\\u0000).")
        }
        let data = bytes.isEmpty ? Data("{}".utf8) : Data(bytes)
        return try JSONDecoder().decode(type, from: data)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        self.json(bytes: try self.encode(value), status: status)
    }

    static func encode<T: Encodable>(_ value: T) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return ByteBuffer(bytes: try encoder.encode(value))
    }

    static func json(bytes: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: bytes))
    }

    /// `200 {}`, the answer of operations without output.
    static func empty() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }

    static func noContent() -> Response {
        Response(status: .noContent)
    }

    /// A path parameter, percent-decoded (the router matches on the raw path).
    static func parameter(_ name: String, _ context: AuthenticatedContext) throws -> String {
        guard let raw = context.parameters.get(name), let value = SigV4Encoding.percentDecode(raw) else {
            throw GuardDutyError.badRequest("The request is rejected because the path parameter \(name) is missing or not validly encoded.")
        }
        return value
    }

    /// All values of a query parameter, percent-decoded once as the signature reads them (`+` is a plus sign).
    static func query(_ name: String, _ request: Request) -> [String] {
        guard let query = request.uri.query else { return [] }
        var values: [String] = []
        for item in query.split(separator: "&") {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard SigV4Encoding.percentDecode(parts[0]) == name else { continue }
            values.append(parts.count > 1 ? (SigV4Encoding.percentDecode(parts[1]) ?? "") : "")
        }
        return values
    }

    static func queryValue(_ name: String, _ request: Request) -> String? {
        self.query(name, request).last
    }
}
