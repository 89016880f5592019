import Hummingbird
import Logging
import NIOCore

/// The request context of every route: the authenticated caller and the body that authentication read.
public struct GuardpostRequestContext: RequestContext, Sendable {
    public var coreContext: CoreRequestContextStorage
    /// Set by `SigV4AuthMiddleware` for API routes.
    public var caller: Caller?
    /// The whole request body (bounded), read once for the signature and decoded by the handler.
    public var body: ByteBuffer = ByteBuffer()
    /// The id sent back as `x-amzn-RequestId`.
    public var requestId: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestId = UUIDv4.string()
    }

}
