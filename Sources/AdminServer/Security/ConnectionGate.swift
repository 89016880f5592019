import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP2
import NIOHTTPTypes

/// What every connection of one server passes before HTTP (or TLS) sees it: a cap on open connections per
/// remote address, and a deadline by which the connection must have become HTTP — so a TLS handshake that never
/// finishes is cut off like a request head that never arrives.
public final class ConnectionGate: Sendable {
    let limit: Int
    let deadline: TimeAmount
    /// `ConnectionLimits.idleTimeout`.
    let silence: TimeAmount
    let logger: Logger
    private let counts = NIOLockedValueBox([String: Int]())

    public init(limits: ConnectionLimits, logger: Logger) {
        self.limit = limits.maxConnectionsPerAddress
        self.deadline = ConnectionLimits.timeAmount(limits.headTimeout)
        self.silence = ConnectionLimits.timeAmount(limits.idleTimeout)
        self.logger = logger
    }

    /// Counts a new connection from `address`; false (and nothing counted) when the address is at its limit.
    func open(_ address: String) -> Bool {
        self.counts.withLockedValue { counts in
            let current = counts[address, default: 0]
            guard current < self.limit else { return false }
            counts[address] = current + 1
            return true
        }
    }

    func close(_ address: String) {
        self.counts.withLockedValue { counts in
            let current = counts[address, default: 0]
            if current <= 1 { counts[address] = nil } else { counts[address] = current - 1 }
        }
    }
}
