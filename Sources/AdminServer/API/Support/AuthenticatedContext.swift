import GuardDutyModel
import Hummingbird
import NIOCore
import SigV4

/// The context of API and agent-channel routes: the caller `SigV4AuthMiddleware` authenticated (never optional)
/// and the body it read. Routes behind the middleware are in a group of this context, so a handler cannot run
/// without a caller.
public struct AuthenticatedContext: ChildRequestContext, Sendable {
    public typealias ParentContext = GuardpostRequestContext
    public var coreContext: CoreRequestContextStorage
    public let caller: Caller
    /// The whole request body (bounded), read once for the signature.
    public let body: ByteBuffer
    public let requestId: String

    public init(context: GuardpostRequestContext) throws {
        guard let caller = context.caller else { throw GuardDutyErrorResponder.missingCaller }
        self.coreContext = context.coreContext
        self.caller = caller
        self.body = context.body
        self.requestId = context.requestId
    }
}

extension AuthenticatedContext {
    /// A path parameter, percent-decoded (the router matches on the raw path).
    func parameter(_ name: String) throws -> String {
        guard let raw = self.parameters.get(name), let value = SigV4Encoding.percentDecode(raw) else {
            throw GuardDutyError.badRequest("The request is rejected because the path parameter \(name) is missing or not validly encoded.")
        }
        return value
    }

    /// The `{detectorId}` of the path, validated.
    func detectorId() throws -> String {
        let id = try self.parameter("detectorId")
        try Validate.detectorId(id)
        return id
    }
}
