import NIOCore
import NIOHTTP1
import NIOPosix

/// The handler behind `AgentConnection`: at most one request in flight, its answer collected into one buffer. A
/// request is failed, never left waiting, when the connection closes, its write fails or no answer comes in time.
final class AgentConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private var pending: EventLoopPromise<AgentConnection.Answer>?
    private var timeout: Scheduled<Void>?
    private var status: UInt = 0
    private var body = ByteBuffer()

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.complete(.failure(AgentConnection.Failure.busyOrClosed))
    }

    /// Sends `head` (a request without a body); the answer, or a failure after `timeout`. On the channel's event loop.
    func send(_ head: HTTPRequestHead, on eventLoop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<AgentConnection.Answer> {
        eventLoop.preconditionInEventLoop()
        guard let context = self.context, context.channel.isActive, self.pending == nil else {
            return eventLoop.makeFailedFuture(AgentConnection.Failure.busyOrClosed)
        }
        let promise = eventLoop.makePromise(of: AgentConnection.Answer.self)
        self.pending = promise
        self.body.clear()
        self.timeout = eventLoop.scheduleTask(in: timeout) {
            self.complete(.failure(AgentConnection.Failure.noAnswer))
            context.close(promise: nil)
        }
        let written = eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in self.complete(.failure(error)) }
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: written)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = head.status.code
        case .body(var part):
            self.body.writeBuffer(&part)
        case .end:
            self.complete(.success(AgentConnection.Answer(status: self.status, body: self.body, arrived: .now)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.complete(.failure(AgentConnection.Failure.busyOrClosed))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.complete(.failure(error))
        context.close(promise: nil)
    }

    /// Answers the request in flight, if any, once.
    private func complete(_ result: Result<AgentConnection.Answer, any Error>) {
        let promise = self.pending
        self.pending = nil
        self.timeout?.cancel()
        self.timeout = nil
        promise?.completeWith(result)
    }
}
