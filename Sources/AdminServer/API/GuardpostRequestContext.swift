import Hummingbird
import Logging
import NIOCore

/// The request context of every route: the authenticated caller and the body that authentication read.
public struct GuardpostRequestContext: RequestContext {
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

/// The context of API and agent-channel routes: the caller `SigV4AuthMiddleware` authenticated (never optional)
/// and the body it read. Routes behind the middleware are in a group of this context, so a handler cannot run
/// without a caller.
public struct AuthenticatedContext: ChildRequestContext {
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

/// Random (version 4) UUID strings without Foundation's UUID on the hot path.
enum UUIDv4 {
    static func string() -> String {
        // Two 64-bit draws: each draw from the system generator is a getrandom(2) call.
        var generator = SystemRandomNumberGenerator()
        let high = generator.next()
        let low = generator.next()
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: high >> ($0 * 8)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> ($0 * 8)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
