import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4

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
