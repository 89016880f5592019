import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4

/// `guardpost-bench`: the project's benchmark harness. `http` (the default) drives an API server; `lists`
/// measures the list parsers and matchers.
@main
struct GuardpostBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardpost-bench",
        abstract: "Benchmarks: signed API load (http, the default), list parsing/matching (lists), the agent channel (push, ingest, heartbeats) and findings queries.",
        subcommands: [HTTPLoad.self, ListsBenchmark.self, PushBenchmark.self, IngestBenchmark.self, HeartbeatBenchmark.self, FindingsQueryBenchmark.self],
        defaultSubcommand: HTTPLoad.self
    )
}

/// A closed-loop HTTP/1.1 load generator over keep-alive connections that signs its requests with the project's
/// SigV4, so the same generator can drive Guardpost and moto_server in one run.
struct HTTPLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Send signed GuardDuty API requests and report requests/s, p50 and p99."
    )

    @Option(help: "Server base URL.") var endpoint: String = "http://127.0.0.1:8080"
    @Option(name: .customLong("access-key-id")) var accessKeyId: String
    @Option(name: .customLong("secret-access-key")) var secretAccessKey: String
    @Option var region: String = "us-east-1"
    @Option(help: "HTTP method.") var method: String = "GET"
    @Option(help: "Request path, as sent (e.g. /detector/ID or /detector/ID/member?maxResults=50).") var path: String
    @Option(help: "Concurrent keep-alive connections.") var connections: Int = 16
    @Option(help: "Seconds to measure.") var duration: Double = 10
    @Option(help: "Seconds to run before measuring.") var warmup: Double = 2
    @Option(help: "Label for the report line.") var label: String = "run"
    @Option(help: "Event loop threads for the generator.") var threads: Int = 1

    func run() throws {
        guard let url = URL(string: self.endpoint), let host = url.host, let port = url.port else {
            throw ValidationError("--endpoint must look like http://HOST:PORT")
        }
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: self.accessKeyId, secretAccessKey: self.secretAccessKey), region: self.region
        )
        let template = RequestTemplate(signer: signer, method: self.method, path: self.path, host: "\(host):\(port)")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.threads)
        defer { try? group.syncShutdownGracefully() }

        let now = DispatchTime.now().uptimeNanoseconds
        let measureFrom = now + UInt64(self.warmup * 1e9)
        let stopAt = measureFrom + UInt64(self.duration * 1e9)
        let recorder = Recorder(measureFrom: measureFrom, stopAt: stopAt)
        let loops = (0..<self.connections).map { index in
            ConnectionLoop(group: group, host: host, port: port, template: template, recorder: recorder, eventLoop: group.next())
        }
        for loop in loops { loop.connect() }
        for loop in loops { try loop.done.futureResult.wait() }
        print(recorder.report(label: self.label, seconds: self.duration))
    }
}

/// Builds signed requests, re-signing once a second so that signatures stay fresh.
final class RequestTemplate: Sendable {
    let signer: SigV4Signer
    let method: String
    let path: String
    let host: String
    private let cache = NIOLockedValueBox<(second: Int64, head: HTTPRequestHead)?>(nil)

    init(signer: SigV4Signer, method: String, path: String, host: String) {
        self.signer = signer
        self.method = method
        self.path = path
        self.host = host
    }

    func head() -> HTTPRequestHead {
        let second = Int64(Date().timeIntervalSince1970)
        if let cached = self.cache.withLockedValue({ $0 }), cached.second == second { return cached.head }
        let pieces = self.path.split(separator: "?", maxSplits: 1)
        var request = SigV4Request(
            method: self.method, rawPath: String(pieces[0]), rawQuery: pieces.count > 1 ? String(pieces[1]) : "",
            headers: [(name: "host", value: self.host)]
        )
        self.signer.sign(&request, timestamp: SigV4Time.format(second))
        var headers = HTTPHeaders()
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        headers.add(name: "content-length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: self.method), uri: self.path, headers: headers)
        self.cache.withLockedValue { $0 = (second, head) }
        return head
    }
}

/// Latencies in microseconds of the requests that finished inside the measuring window.
final class Recorder: Sendable {
    let measureFrom: UInt64
    let stopAt: UInt64
    private let state = NIOLockedValueBox<(latencies: [UInt32], errors: Int, statuses: [UInt: Int])>(([], 0, [:]))
    private let connectionFailures = NIOLockedValueBox(0)

    func recordConnectionFailure() {
        self.connectionFailures.withLockedValue { $0 += 1 }
    }

    init(measureFrom: UInt64, stopAt: UInt64) {
        self.measureFrom = measureFrom
        self.stopAt = stopAt
    }

    func record(start: UInt64, end: UInt64, status: UInt) {
        guard start >= self.measureFrom, end <= self.stopAt else { return }
        self.state.withLockedValue { state in
            state.latencies.append(UInt32(min(UInt64(UInt32.max), (end - start) / 1000)))
            state.statuses[status, default: 0] += 1
            if status >= 400 { state.errors += 1 }
        }
    }

    func report(label: String, seconds: Double) -> String {
        let (latencies, errors, statuses) = self.state.withLockedValue { $0 }
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
        }
        let rps = Double(sorted.count) / seconds
        let statusText = statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        let failures = self.connectionFailures.withLockedValue { $0 }
        return String(
            format: "%@ requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d statuses=%@ connect_failures=%d",
            label, sorted.count, rps, percentile(0.5), percentile(0.99), errors, statusText, failures
        )
    }
}

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
