import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP2
import NIOHTTPTypes

/// How long a client may take and how many connections one address may hold (`serve` flags).
public struct ConnectionLimits: Sendable {
    /// A connection must deliver a complete request head within this time after it opens or after its last
    /// response (Hummingbird's idle timeout, which only runs while no request is in progress).
    public var headTimeout: Duration
    /// A request body must arrive completely within this time after its head.
    public var bodyTimeout: Duration
    /// Connections open at once from one remote address; more are closed as they arrive.
    public var maxConnectionsPerAddress: Int
    /// A connection from which nothing at all is read for this long is closed, whatever state HTTP is in (an HTTP/2
    /// client that ignores the GOAWAY's PING, a client that never reads its answer and never sends again). It must
    /// exceed the agents' long-poll (at most 60 s).
    public var idleTimeout: Duration

    public init(
        headTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(60), maxConnectionsPerAddress: Int = 2048,
        idleTimeout: Duration = .seconds(120)
    ) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.idleTimeout = idleTimeout
    }

    /// Hummingbird's HTTP/1.1 server with these limits; listeners that share `gate` share the per-address cap.
    public func http1Server(logger: Logger, gate: ConnectionGate? = nil) -> HTTPServerBuilder {
        let gate = gate ?? ConnectionGate(limits: self, logger: logger)
        let configuration = self.http1Configuration()
        return HTTPServerBuilder { responder in
            GuardedChildChannel(base: HTTP1Channel(responder: responder, configuration: configuration), gate: gate)
        }
    }

    /// The HTTP/1.1 channel configuration with these limits (also the stream configuration under HTTP/2).
    func http1Configuration() -> HTTP1Channel.Configuration {
        let bodyTimeout = Self.timeAmount(self.bodyTimeout)
        return .init(
            additionalChannelHandlers: [RequestDeadlineHandler(bodyTimeout: bodyTimeout)],
            idleTimeout: Self.timeAmount(self.headTimeout)
        )
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}

/// What every connection of one server passes before HTTP (or TLS) sees it: a cap on open connections per
/// remote address, and a deadline by which the connection must have become HTTP — so a TLS handshake that never
/// finishes is cut off like a request head that never arrives.
public final class ConnectionGate: Sendable {
    let limit: Int
    let deadline: TimeAmount
    /// `ConnectionLimits.idleTimeout`.
    let silence: TimeAmount
    let logger: Logger
    private let counts = NIOLockedValueBox([String: Int]())

    public init(limits: ConnectionLimits, logger: Logger) {
        self.limit = limits.maxConnectionsPerAddress
        self.deadline = ConnectionLimits.timeAmount(limits.headTimeout)
        self.silence = ConnectionLimits.timeAmount(limits.idleTimeout)
        self.logger = logger
    }

    /// Counts a new connection from `address`; false (and nothing counted) when the address is at its limit.
    func open(_ address: String) -> Bool {
        self.counts.withLockedValue { counts in
            let current = counts[address, default: 0]
            guard current < self.limit else { return false }
            counts[address] = current + 1
            return true
        }
    }

    func close(_ address: String) {
        self.counts.withLockedValue { counts in
            let current = counts[address, default: 0]
            if current <= 1 { counts[address] = nil } else { counts[address] = current - 1 }
        }
    }
}

/// A server child channel (HTTP/1.1, or TLS with HTTP/2 and HTTP/1.1) behind the connection gate.
struct GuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let gate: ConnectionGate

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionGateHandler(gate: self.gate), position: .first)
            try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: self.gate.silence), position: .first)
        }.flatMap {
            self.base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await self.base.handle(value: value, logger: logger)
    }
}

extension GuardedChildChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { self.base.responder }
}

/// First in a connection's pipeline: counts it against its address (closing it past the cap) and closes it when,
/// by the gate's deadline, no HTTP handler has been set up (a TLS handshake or protocol negotiation still pending).
/// Once HTTP runs, Hummingbird's idle timeout and `RequestDeadlineHandler` take over.
final class ConnectionGateHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let gate: ConnectionGate
    private var address: String?
    private var deadline: Scheduled<Void>?

    init(gate: ConnectionGate) {
        self.gate = gate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard self.address == nil, self.deadline == nil else { return }
        let key = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard self.gate.open(key) else {
            self.gate.logger.warning("connection refused: too many open connections from one address", metadata: ["address": "\(key)"])
            context.close(promise: nil)
            return
        }
        self.address = key
        let channel = context.channel
        self.deadline = context.eventLoop.scheduleTask(in: self.gate.deadline) {
            let pipeline = channel.pipeline.syncOperations
            let speaksHTTP = (try? pipeline.handler(type: HTTPConnectionStateHandler.self)) != nil
                || (try? pipeline.handler(type: NIOHTTP2Handler.self)) != nil
            if !speaksHTTP { channel.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.release()
    }

    private func release() {
        self.deadline?.cancel()
        self.deadline = nil
        if let address = self.address {
            self.gate.close(address)
            self.address = nil
        }
    }
}

/// Closes a connection (or HTTP/2 stream) whose request body does not arrive within its deadline. Sits after HTTP
/// decoding, so it sees request heads and ends.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let bodyTimeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(bodyTimeout: TimeAmount) {
        self.bodyTimeout = bodyTimeout
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            self.deadline?.cancel()
            let channel = context.channel
            self.deadline = context.eventLoop.scheduleTask(in: self.bodyTimeout) {
                channel.close(promise: nil)
            }
        case .end:
            self.deadline?.cancel()
            self.deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }
}
