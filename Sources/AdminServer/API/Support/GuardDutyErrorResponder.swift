import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Renders every error, in one place, in the shape botocore parses: HTTP status, `x-amzn-ErrorType`,
/// and a JSON body `{"message", "__type"}`. Unknown errors are logged with the request id and answered as
/// `InternalServerErrorException` without internals.
public struct GuardDutyErrorResponder: RouterMiddleware {
    public typealias Context = GuardpostRequestContext
    public init() {}

    static var missingCaller: GuardDutyError { .missingAuthentication() }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[.amznRequestId] = context.requestId
            return response
        } catch let error as GuardDutyError {
            return Self.response(error, requestId: context.requestId)
        } catch let error as DecodingError {
            return Self.response(.badRequest(Self.describe(error)), requestId: context.requestId)
        } catch let error as StoreError {
            // GuardDuty answers every store refusal (missing, conflicting or invalid) as a BadRequestException.
            return Self.response(.badRequest("The request is rejected because \(error.description)."), requestId: context.requestId)
        } catch let error as HTTPError {
            let gdError: GuardDutyError
            switch error.status {
            case .notFound:
                gdError = GuardDutyError(
                    status: 404, code: "UnknownOperationException", message: "No GuardDuty operation matches \(request.method) \(request.uri.path).")
            case .contentTooLarge:
                gdError = .badRequest("The request is rejected because the request body is larger than \(APIBody.maxBodySize) bytes.")
            case .methodNotAllowed:
                gdError = GuardDutyError(
                    status: 405, code: "UnknownOperationException", message: "No GuardDuty operation matches \(request.method) \(request.uri.path).")
            default:
                gdError =
                    error.status.code < 500
                    ? GuardDutyError(
                        status: Int(error.status.code), code: "BadRequestException", type: "InvalidInputException",
                        message: error.body ?? error.status.reasonPhrase)
                    : .internalError()
            }
            return Self.response(gdError, requestId: context.requestId)
        } catch {
            context.logger.error("request failed", metadata: ["requestId": "\(context.requestId)", "error": "\(String(reflecting: error))"])
            return Self.response(.internalError(), requestId: context.requestId)
        }
    }

    static func response(_ error: GuardDutyError, requestId: String) -> Response {
        let data = (try? JSONEncoder().encode(ErrorBody(message: error.message, type: error.type))) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.amznErrorType] = error.code
        headers[.amznRequestId] = requestId
        return Response(status: .init(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Says which field was wrong and how, without Swift type names.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let rendered = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return rendered.hasPrefix(".") ? String(rendered.dropFirst()) : rendered
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "The request is rejected because the required field '\(path(context, key))' is missing."
        case .valueNotFound(_, let context):
            return "The request is rejected because the field '\(path(context))' must not be null."
        case .typeMismatch(let type, let context):
            let expected: String
            switch type {
            case is String.Type: expected = "a string"
            case is Bool.Type: expected = "a boolean"
            case is Int.Type, is Double.Type: expected = "a number"
            case is [Any].Type: expected = "a list"
            default: expected = "an object"
            }
            let field = path(context)
            return field.isEmpty
                ? "The request is rejected because the request body must be a JSON object."
                : "The request is rejected because the field '\(field)' must be \(expected)."
        case .dataCorrupted(let context):
            let field = path(context)
            if field.isEmpty { return "The request is rejected because the request body is not valid JSON." }
            return "The request is rejected because the field '\(field)' is not valid: \(context.debugDescription)"
        @unknown default:
            return "The request is rejected because the request body is not valid."
        }
    }
}

extension HTTPField.Name {
    static let amznErrorType = Self("x-amzn-ErrorType")!
    static let amznRequestId = Self("x-amzn-RequestId")!
}

/// The body of an error response.
struct ErrorBody: Encodable {
    let message: String
    /// GuardDuty's finer error type, `__type` in the body.
    let type: String

    enum CodingKeys: String, CodingKey {
        case message
        case type = "__type"
    }
}
