import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// A TCP forwarder on 127.0.0.1 that sends each new connection to whichever host of a multi-host database URL is
/// writable (`SELECT pg_is_in_recovery()` is false), so that the PostgreSQL client, which knows one host, follows a
/// failover: when the primary dies its connections break, the pool reconnects, and the new connections reach the
/// promoted standby. The writable host found is trusted for a second; a connection that cannot reach it probes again.
/// While no host is writable a new connection waits up to `waitForPrimary` (probing every 200 ms), then is closed.
public final class PrimaryForwarder: Sendable {
    public let hosts: [DatabaseHost]
    let username: String
    let password: String?
    let database: String?
    let logger: Logger
    let waitForPrimary: Duration
    private let listener = NIOLockedValueBox<(any Channel)?>(nil)
    private let chosen = NIOLockedValueBox<(host: DatabaseHost, at: ContinuousClock.Instant)?>(nil)

    public init(hosts: [DatabaseHost], username: String, password: String?, database: String?, logger: Logger, waitForPrimary: Duration = .seconds(5))
    {
        self.hosts = hosts
        self.username = username
        self.password = password
        self.database = database
        self.logger = logger
        self.waitForPrimary = waitForPrimary
    }

    /// Listens on a free port of 127.0.0.1 and returns it.
    public func start() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                Task { await self.forward(inbound) }
                return inbound.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.listener.withLockedValue { $0 = channel }
        self.logger.info("database failover forwarder listening", metadata: ["port": "\(channel.localAddress?.port ?? 0)", "hosts": "\(self.hosts)"])
        return channel.localAddress?.port ?? 0
    }

    /// Stops listening (connections already forwarded stay until either side closes them).
    public func close() {
        self.listener.withLockedValue { $0 }?.close(promise: nil)
    }

    func forward(_ inbound: any Channel) async {
        let remote = inbound.remoteAddress?.port ?? 0
        self.logger.debug("forwarding a database connection", metadata: ["clientPort": "\(remote)"])
        do {
            let outbound = try await self.connectToWritable(on: inbound.eventLoop)
            inbound.closeFuture.whenComplete { _ in outbound.close(promise: nil) }
            outbound.closeFuture.whenComplete { _ in inbound.close(promise: nil) }
            try await inbound.eventLoop.submit {
                let (inboundHalf, outboundHalf) = GlueHandler.matchedPair()
                try inbound.pipeline.syncOperations.addHandler(inboundHalf)
                try outbound.pipeline.syncOperations.addHandler(outboundHalf)
                try inbound.syncOptions?.setOption(.autoRead, value: true)
                try outbound.syncOptions?.setOption(.autoRead, value: true)
            }.get()
            self.logger.debug(
                "forwarded a database connection", metadata: ["clientPort": "\(remote)", "to": "\(outbound.remoteAddress?.description ?? "?")"])
        } catch {
            self.logger.warning("no writable database host for a new connection", metadata: ["error": "\(error)", "hosts": "\(self.hosts)"])
            inbound.close(promise: nil)
        }
    }

    /// A connection to the writable host: the one trusted for the last second, else the first that a probe finds.
    func connectToWritable(on eventLoop: any EventLoop) async throws -> any Channel {
        let deadline = ContinuousClock.now + self.waitForPrimary
        while true {
            if let host = try await self.writableHost(deadline: deadline) {
                do {
                    return try await ClientBootstrap(group: eventLoop)
                        .channelOption(.autoRead, value: false)
                        .connectTimeout(.seconds(2))
                        .connect(host: host.host, port: host.port).get()
                } catch {
                    self.chosen.withLockedValue { if $0?.host == host { $0 = nil } }
                    if ContinuousClock.now >= deadline { throw error }
                }
            }
        }
    }

    /// The writable host, probing when the last one found is older than a second; nil to try again at once.
    func writableHost(deadline: ContinuousClock.Instant) async throws -> DatabaseHost? {
        if let cached = self.chosen.withLockedValue({ $0 }), cached.at.duration(to: .now) < .seconds(1) { return cached.host }
        while true {
            let writable = await self.probe()
            if writable.count > 1 {
                self.logger.error("more than one database host is writable: using the first listed", metadata: ["writable": "\(writable)"])
            }
            if let host = writable.first {
                let previous = self.chosen.withLockedValue { chosen in
                    defer { chosen = (host, .now) }
                    return chosen?.host
                }
                if previous != host { self.logger.notice("writable database host", metadata: ["host": "\(host)"]) }
                return host
            }
            guard ContinuousClock.now < deadline else { throw MigrationError(description: "no host of \(self.hosts) is writable") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The hosts that answer as writable, in the URL's order (probed at once).
    func probe() async -> [DatabaseHost] {
        let answers = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, host) in self.hosts.enumerated() {
                group.addTask { (index, await self.isWritable(host)) }
            }
            var answers: [Int: Bool] = [:]
            for await (index, writable) in group { answers[index] = writable }
            return answers
        }
        return self.hosts.indices.filter { answers[$0] == true }.map { self.hosts[$0] }
    }

    func isWritable(_ host: DatabaseHost) async -> Bool {
        var configuration = PostgresConnection.Configuration(
            host: host.host, port: host.port, username: self.username, password: self.password, database: self.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(1)
        guard let connection = try? await PostgresConnection.connect(configuration: configuration, id: 0, logger: self.logger) else { return false }
        var inRecovery = true
        do {
            for try await value in try await connection.query("SELECT pg_is_in_recovery()", logger: self.logger).decode(Bool.self) {
                inRecovery = value
            }
        } catch {
            inRecovery = true
        }
        try? await connection.close()
        return !inRecovery
    }
}
