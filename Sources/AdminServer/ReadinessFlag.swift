import AsyncHTTPClient
import Crypto
import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SigV4

/// Whether start-up (migrations) has finished, for `/health`.
final class ReadinessFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    var isReady: Bool { self.value.withLockedValue { $0 } }
    func markReady() { self.value.withLockedValue { $0 = true } }
}
