import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4

/// One closed-loop connection: send, wait for the whole response, record, send again until the window ends.
final class LoadHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let template: RequestTemplate
    let recorder: Recorder
    let onClosed: () -> Void
    var started: UInt64 = 0
    var status: UInt = 0
    var serverCloses = false

    init(template: RequestTemplate, recorder: Recorder, onClosed: @escaping () -> Void) {
        self.template = template
        self.recorder = recorder
        self.onClosed = onClosed
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.onClosed()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.send(context: context)
    }

    func send(context: ChannelHandlerContext) {
        self.started = DispatchTime.now().uptimeNanoseconds
        context.write(self.wrapOutboundOut(.head(self.template.head())), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = head.status.code
            self.serverCloses = head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
        case .body:
            break
        case .end:
            let now = DispatchTime.now().uptimeNanoseconds
            self.recorder.record(start: self.started, end: now, status: self.status)
            if self.serverCloses {
                context.close(promise: nil)
            } else if now < self.recorder.stopAt {
                self.send(context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
