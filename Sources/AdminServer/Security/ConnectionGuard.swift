import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
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

    public init(headTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(60), maxConnectionsPerAddress: Int = 2048) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
    }

    /// Hummingbird's HTTP/1.1 server with these limits.
    public func http1Server(logger: Logger) -> HTTPServerBuilder {
        .http1(configuration: self.http1Configuration(logger: logger))
    }

    /// The HTTP/1.1 channel configuration with these limits (also the stream configuration under HTTP/2).
    func http1Configuration(logger: Logger) -> HTTP1Channel.Configuration {
        let registry = ConnectionRegistry(limit: self.maxConnectionsPerAddress, logger: logger)
        let bodyTimeout = Self.timeAmount(self.bodyTimeout)
        return .init(
            additionalChannelHandlers: [RequestDeadlineHandler(bodyTimeout: bodyTimeout, registry: registry)],
            idleTimeout: Self.timeAmount(self.headTimeout)
        )
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}

/// Open connections per remote address, shared by every connection of one server.
final class ConnectionRegistry: Sendable {
    let limit: Int
    let logger: Logger
    private let counts = NIOLockedValueBox([String: Int]())

    init(limit: Int, logger: Logger) {
        self.limit = limit
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

/// Closes a connection whose request body does not arrive within its deadline, and connections past the
/// per-address limit. Sits after HTTP decoding, so it sees request heads and ends.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let bodyTimeout: TimeAmount
    let registry: ConnectionRegistry
    private var address: String?
    private var deadline: Scheduled<Void>?

    init(bodyTimeout: TimeAmount, registry: ConnectionRegistry) {
        self.bodyTimeout = bodyTimeout
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard self.address == nil else { return }
        let key = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard self.registry.open(key) else {
            self.registry.logger.warning("connection refused: too many open connections from one address", metadata: ["address": "\(key)"])
            context.close(promise: nil)
            return
        }
        self.address = key
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
            self.registry.close(address)
            self.address = nil
        }
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
