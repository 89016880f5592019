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
    /// client that ignores the GOAWAY's PING, a client that never reads its answer and never sends again). The agents'
    /// long-poll waits at most `longPollSeconds`, below it.
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

    /// The longest an agent's configuration poll may wait silently: a second under the idle timeout, at most 60 s.
    var longPollSeconds: Double {
        let idle = Double(self.idleTimeout.components.seconds) + Double(self.idleTimeout.components.attoseconds) / 1e18
        return min(60, max(0, idle - 1))
    }
}
