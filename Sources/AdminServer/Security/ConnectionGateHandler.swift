import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP2
import NIOHTTPTypes

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
            let speaksHTTP =
                (try? pipeline.handler(type: HTTPConnectionStateHandler.self)) != nil
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
