import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// The instant the change was requested, set once by the benchmark.
final class StartMark: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: ContinuousClock.Instant?
    func mark() { self.lock.withLock { self.instant = .now } }
    func seconds(until end: ContinuousClock.Instant) -> Double {
        let start = self.lock.withLock { self.instant } ?? end
        let duration = end - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension StartMark {
    static func seconds(_ start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) -> Double {
        let duration = end - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
