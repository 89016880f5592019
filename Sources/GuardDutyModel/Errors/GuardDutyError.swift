/// An error the API answers with: its HTTP status, the error code botocore reads from
/// `x-amzn-ErrorType`, the finer `__type` GuardDuty puts in the body, and a message that says
/// what was wrong with the input and what is allowed.
public struct GuardDutyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let type: String
    public let message: String

    public init(status: Int, code: String, type: String? = nil, message: String) {
        self.status = status
        self.code = code
        self.type = type ?? code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }

    /// 400 `BadRequestException` with `__type` `InvalidInputException`, as GuardDuty answers invalid input.
    public static func badRequest(_ message: String) -> GuardDutyError {
        GuardDutyError(status: 400, code: "BadRequestException", type: "InvalidInputException", message: message)
    }

    public static func accessDenied(_ message: String) -> GuardDutyError {
        GuardDutyError(status: 403, code: "AccessDeniedException", message: message)
    }

    public static func internalError() -> GuardDutyError {
        GuardDutyError(
            status: 500, code: "InternalServerErrorException", type: "InternalException",
            message: "The request processing has failed because of an unknown error, exception or failure.")
    }

    public static func notFound(_ message: String) -> GuardDutyError {
        GuardDutyError(status: 404, code: "ResourceNotFoundException", message: message)
    }

    // MARK: authentication (the codes every AWS JSON service uses)

    public static func missingAuthentication(_ message: String = "Missing Authentication Token") -> GuardDutyError {
        GuardDutyError(status: 403, code: "MissingAuthenticationTokenException", message: message)
    }

    public static func unrecognizedClient(
        _ message: String = "The security token included in the request is invalid."
    ) -> GuardDutyError {
        GuardDutyError(status: 403, code: "UnrecognizedClientException", message: message)
    }

    public static func invalidSignature(_ message: String) -> GuardDutyError {
        GuardDutyError(status: 403, code: "InvalidSignatureException", message: message)
    }

    // MARK: messages GuardDuty itself uses

    public static let detectorNotOwned = GuardDutyError.badRequest(
        "The request is rejected because the input detectorId is not owned by the current account."
    )
}
