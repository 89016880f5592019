import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A failed outbound request, described without anything the far side sent.
public struct FetchFailure: Error, CustomStringConvertible {
    public let description: String
}

/// HTTP requests the server makes on an account's behalf (list files, webhooks), guarded by an `OutboundPolicy`:
/// every hop (redirects included) is resolved once, checked, and connected to at the checked address (the client
/// is pinned to it with `dnsOverride`, so TLS still verifies the host name).
public struct GuardedHTTP: Sendable {
    public let policy: OutboundPolicy

    public init(policy: OutboundPolicy) {
        self.policy = policy
    }

    /// A pinned request target: the URL's host resolved and checked.
    struct Target {
        var url: String
        var host: String
        var address: String
    }

    func target(_ url: String) async throws -> Target {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw FetchFailure(description: "only http:// and https:// URLs may be fetched")
        }
        guard let host = components.host, !host.isEmpty else { throw FetchFailure(description: "the URL has no host") }
        guard components.user == nil, components.password == nil else { throw FetchFailure(description: "URLs with user information are refused") }
        let address = try await self.policy.resolve(host: host)
        return Target(url: url, host: host, address: address)
    }

    static func client(pinnedTo target: Target, readTimeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .nanoseconds(Int64(readTimeout.components.seconds) * 1_000_000_000))
        )
        let bare = target.host.hasPrefix("[") ? String(target.host.dropFirst().dropLast()) : target.host
        var overrides = [target.host: target.address]
        overrides[bare] = target.address
        configuration.dnsOverride = overrides
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// GET with redirects followed by hand (each hop checked); the body within the limits.
    public func get(_ url: String, headers: [(String, String)] = [], limits: FetchLimits) async throws -> [UInt8] {
        try await self.fetch(url, headers: headers, limits: limits).body
    }

    /// What a GET answered: 200 with its body, or 304 (only when the request was conditional) with none; the
    /// validators to send next time.
    public struct Answer: Sendable {
        public var notModified: Bool
        public var body: [UInt8]
        public var etag: String?
        public var lastModified: String?
    }

    /// GET with redirects followed by hand (each hop checked); 200 or, for a conditional request (`If-None-Match`,
    /// `If-Modified-Since` among the headers), 304; anything else fails. The body within the limits.
    public func fetch(_ url: String, headers: [(String, String)] = [], limits: FetchLimits) async throws -> Answer {
        let conditional = headers.contains { ["if-none-match", "if-modified-since"].contains($0.0.lowercased()) }
        return try await Self.withDeadline(limits.deadline, what: "fetching \(Self.shown(url))") {
            var current = url
            var hops = 0
            while true {
                let target = try await self.target(current)
                let client = Self.client(pinnedTo: target, readTimeout: min(limits.deadline, .seconds(30)))
                do {
                    var request = HTTPClientRequest(url: current)
                    request.method = .GET
                    for (name, value) in headers { request.headers.add(name: name, value: value) }
                    let response = try await client.execute(request, timeout: .seconds(Int64(limits.deadline.components.seconds) + 1))
                    // Validators are sent back only as they came: a value with bytes outside printable ASCII (obs-text,
                    // decoded lossily) is not kept.
                    func validator(_ name: String, _ limit: Int) -> String? {
                        response.headers.first(name: name).flatMap { value in
                            value.utf8.count <= limit && value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) ? value : nil
                        }
                    }
                    let validators = (etag: validator("etag", 512), lastModified: validator("last-modified", 128))
                    if conditional && response.status == .notModified {
                        try? await client.shutdown()
                        return Answer(notModified: true, body: [], etag: validators.etag, lastModified: validators.lastModified)
                    }
                    if (300..<400).contains(response.status.code), let location = response.headers.first(name: "location") {
                        hops += 1
                        guard hops <= limits.maxRedirects else {
                            throw FetchFailure(description: "\(Self.shown(url)) redirected more than \(limits.maxRedirects) times")
                        }
                        guard let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString else {
                            throw FetchFailure(description: "\(Self.shown(current)) answered HTTP \(response.status.code) with an unusable Location")
                        }
                        try? await client.shutdown()
                        current = next
                        continue
                    }
                    guard response.status == .ok else {
                        throw FetchFailure(description: "\(Self.shown(current)) answered HTTP \(response.status.code)")
                    }
                    if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > limits.maxBytes {
                        throw FetchFailure(description: "\(Self.shown(current)) is \(length) bytes; the limit is \(limits.maxBytes)")
                    }
                    let body = try await Self.collect(response.body, limits: limits, what: Self.shown(current))
                    try? await client.shutdown()
                    return Answer(notModified: false, body: body, etag: validators.etag, lastModified: validators.lastModified)
                } catch {
                    try? await client.shutdown()
                    throw Self.described(error, what: Self.shown(current))
                }
            }
        }
    }

    /// A request whose answer's status is all that matters (webhooks); the answer's body is discarded.
    public func send(_ url: String, method: HTTPMethod, headers: [(String, String)], body: ByteBuffer, timeout: Duration) async throws -> Int {
        try await Self.withDeadline(timeout, what: "sending to \(Self.shown(url))") {
            let target = try await self.target(url)
            let client = Self.client(pinnedTo: target, readTimeout: timeout)
            do {
                var request = HTTPClientRequest(url: url)
                request.method = method
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                request.body = .bytes(body)
                let response = try await client.execute(request, timeout: .seconds(Int64(timeout.components.seconds) + 1))
                _ = try? await response.body.collect(upTo: 1 << 16)
                try? await client.shutdown()
                return Int(response.status.code)
            } catch {
                try? await client.shutdown()
                throw Self.described(error, what: Self.shown(url))
            }
        }
    }

    /// Reads a body chunk by chunk, within the size limit and the minimum rate.
    static func collect(_ body: HTTPClientResponse.Body, limits: FetchLimits, what: String) async throws -> [UInt8] {
        let clock = ContinuousClock()
        let start = clock.now
        var bytes: [UInt8] = []
        for try await chunk in body {
            guard bytes.count + chunk.readableBytes <= limits.maxBytes else {
                throw FetchFailure(description: "\(what) is larger than \(limits.maxBytes) bytes")
            }
            bytes.append(contentsOf: chunk.readableBytesView)
            try self.checkRate(received: bytes.count, since: start, clock: clock, limits: limits, what: what)
        }
        return bytes
    }

    static func checkRate(received: Int, since start: ContinuousClock.Instant, clock: ContinuousClock, limits: FetchLimits, what: String) throws {
        let elapsed = clock.now - start
        guard elapsed > limits.grace else { return }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if Double(received) / seconds < Double(limits.minBytesPerSecond) {
            throw FetchFailure(
                description: "\(what) sent \(received) bytes in \(Int(seconds)) s, below the minimum of \(limits.minBytesPerSecond) bytes/s"
            )
        }
    }

    /// Runs `body`, cancelled when `deadline` passes.
    static func withDeadline<T: Sendable>(_ deadline: Duration, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw FetchFailure(description: "\(what) did not finish") }
            guard let value = first else {
                throw FetchFailure(description: "\(what) took longer than the deadline of \(deadline.components.seconds) s")
            }
            return value
        }
    }

    /// An error as words of our own: the refusal or failure kind, never the far side's bytes.
    static func described(_ error: any Error, what: String) -> any Error {
        switch error {
        case is FetchFailure, is OutboundRefusal: return error
        case let client as HTTPClientError:
            switch client {
            case .connectTimeout: return FetchFailure(description: "connecting to \(what) timed out")
            case .readTimeout: return FetchFailure(description: "\(what) stopped sending (read timeout)")
            case .remoteConnectionClosed: return FetchFailure(description: "\(what) closed the connection")
            case .cancelled, .deadlineExceeded: return FetchFailure(description: "fetching \(what) was cancelled at its deadline")
            case .bodyLengthMismatch: return FetchFailure(description: "\(what) sent a body of the wrong length")
            default: return FetchFailure(description: "could not fetch \(what) (HTTP client error)")
            }
        case is CancellationError: return FetchFailure(description: "fetching \(what) was cancelled")
        default:
            return FetchFailure(description: "could not connect to or read from \(what) (\(String(describing: type(of: error))))")
        }
    }

    /// The scheme, host and port of a URL (no path, no query), for messages.
    static func shown(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "the URL" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(components.scheme ?? "http")://\(OutboundPolicy.printable(host))\(port)"
    }
}
