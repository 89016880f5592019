import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import SigV4

/// Decoding requests and encoding responses as rest-json does.
enum APIBody {
    /// GuardDuty's largest requests (50 account details, 200 tags) are far below this.
    static let maxBodySize = 1 << 20

    /// Decodes the JSON body; an empty body counts as `{}` so that all-optional shapes accept it.
    static func decode<T: Decodable>(_ type: T.Type, from context: AuthenticatedContext) throws -> T {
        try self.decode(type, bytes: try self.bytes(from: context))
    }

    /// The body's bytes, refused when a string in it holds NUL: PostgreSQL's text cannot hold one, so it is refused
    /// here once, for every operation, rather than failing in a store.
    static func bytes(from context: AuthenticatedContext) throws -> [UInt8] {
        var buffer = context.body
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        guard !bytes.containsNULEscape else {
            throw GuardDutyError.badRequest("The request is rejected because a string in it holds a NUL character (\\u0000).")
        }
        return bytes
    }

    /// Decodes body bytes already read by `bytes(from:)`.
    static func decode<T: Decodable>(_ type: T.Type, bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: bytes.isEmpty ? Data("{}".utf8) : Data(bytes))
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
}
