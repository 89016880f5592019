import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4

/// Keeps one client connection busy until the window ends, reconnecting when the server closes it
/// (moto_server's development server answers `Connection: close`).
final class ConnectionLoop: @unchecked Sendable {
    let group: any EventLoopGroup
    let host: String
    let port: Int
    let template: RequestTemplate
    let recorder: Recorder
    let done: EventLoopPromise<Void>

    init(group: any EventLoopGroup, host: String, port: Int, template: RequestTemplate, recorder: Recorder, eventLoop: any EventLoop) {
        self.group = group
        self.host = host
        self.port = port
        self.template = template
        self.recorder = recorder
        self.done = eventLoop.makePromise()
    }

    func connect() {
        guard DispatchTime.now().uptimeNanoseconds < self.recorder.stopAt else {
            self.done.succeed(())
            return
        }
        ClientBootstrap(group: self.group)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.pipeline.addHTTPClientHandlers().flatMap {
                    channel.pipeline.addHandler(LoadHandler(template: self.template, recorder: self.recorder, onClosed: { self.connect() }))
                }
            }
            .connect(host: self.host, port: self.port)
            .whenFailure { _ in
                self.recorder.recordConnectionFailure()
                self.group.next().scheduleTask(in: .milliseconds(10)) { self.connect() }
            }
    }
}
