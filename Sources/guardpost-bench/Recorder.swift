import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4

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
