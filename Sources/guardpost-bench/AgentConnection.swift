import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4

/// One simulated agent's keep-alive connection in the push benchmark: one signed request at a time, answered with its
/// status, body and the instant its last byte arrived.
///
/// The simulated agents share the server's two cores, so what they cost is taken from the server under test. A bare
/// NIO channel costs a fraction of a pooled HTTP client's request (no pool, task, redirect or decompression machinery),
/// which leaves the figures closer to the server's own work; real agents run on their own hosts.
final class AgentConnection: Sendable {
    /// What one request got back.
    struct Answer {
        var status: UInt
        var body: ByteBuffer
        var arrived: ContinuousClock.Instant
    }

    /// Why a request failed before an answer.
    enum Failure: Error {
        /// A request while another is in flight, or on a closed connection.
        case busyOrClosed
        /// No answer within the request's timeout (the connection is closed).
        case noAnswer
    }

    let channel: any Channel
    private let handler: AgentConnectionHandler

    private init(channel: any Channel, handler: AgentConnectionHandler) {
        self.channel = channel
        self.handler = handler
    }

    /// A connection to `host:port` on one of `group`'s event loops.
    static func connect(group: any EventLoopGroup, host: String, port: Int) async throws -> AgentConnection {
        let handler = AgentConnectionHandler()
        let channel = try await ClientBootstrap(group: group)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.pipeline.addHTTPClientHandlers().flatMap { channel.pipeline.addHandler(handler) }
            }
            .connect(host: host, port: port)
            .get()
        return AgentConnection(channel: channel, handler: handler)
    }

    /// Sends `head` (a request without a body) and answers when the whole response is in, or fails after `timeout`.
    func send(_ head: HTTPRequestHead, timeout: TimeAmount = .seconds(90)) -> EventLoopFuture<Answer> {
        let eventLoop = self.channel.eventLoop
        return eventLoop.flatSubmit { self.handler.send(head, on: eventLoop, timeout: timeout) }
    }

    /// Closes the connection; a request in flight fails.
    func close() {
        self.channel.close(promise: nil)
    }
}
