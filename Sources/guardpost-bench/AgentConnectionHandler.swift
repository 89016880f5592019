import NIOCore
import NIOHTTP1
import NIOPosix

/// The handler behind `AgentConnection`: at most one request in flight, its answer collected into one buffer.
final class AgentConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private var pending: EventLoopPromise<AgentConnection.Answer>?
    private var status: UInt = 0
    private var body = ByteBuffer()

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// On the channel's event loop.
    func send(_ head: HTTPRequestHead) -> EventLoopFuture<AgentConnection.Answer> {
        guard let context = self.context, self.pending == nil else {
            return (self.context?.eventLoop ?? MultiThreadedEventLoopGroup.singleton.any()).makeFailedFuture(AgentConnection.Failure.busyOrClosed)
        }
        let promise = context.eventLoop.makePromise(of: AgentConnection.Answer.self)
        self.pending = promise
        self.body.clear()
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = head.status.code
        case .body(var part):
            self.body.writeBuffer(&part)
        case .end:
            let answer = AgentConnection.Answer(status: self.status, body: self.body, arrived: .now)
            let promise = self.pending
            self.pending = nil
            promise?.succeed(answer)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let promise = self.pending
        self.pending = nil
        promise?.fail(AgentConnection.Failure.busyOrClosed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let promise = self.pending
        self.pending = nil
        promise?.fail(error)
        context.close(promise: nil)
    }
}
