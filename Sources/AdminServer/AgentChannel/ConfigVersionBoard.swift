import NIOConcurrencyHelpers

/// The newest configuration version announced per detector (`config:DETECTOR:VERSION` on `guardpost_changes`;
/// PostgreSQL delivers a session's NOTIFY to every listener, this replica's own included, once the change commits).
/// A long-polling agent waits on its own detector's entry, so a change wakes only the agents it concerns, whichever
/// replica made it. `epoch` moves when the listener (re)connects, because notifications may have been missed: every
/// waiter then reads its configuration again. A waiter is a suspended continuation, not a polling loop: ten thousand
/// idle agents cost memory, not CPU.
public final class ConfigVersionBoard: Sendable {
    private struct State {
        var versions: [String: Int] = [:]
        var epoch: UInt64 = 0
        var waiters: [String: [UInt64: (past: Int, continuation: CheckedContinuation<Void, Never>)]] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func raise(_ detectorId: String, to version: Int) {
        let woken = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            guard version > state.versions[detectorId, default: -1] else { return [] }
            state.versions[detectorId] = version
            guard let waiting = state.waiters[detectorId] else { return [] }
            let due = waiting.filter { $0.value.past < version }
            if due.count == waiting.count {
                state.waiters.removeValue(forKey: detectorId)
            } else {
                for id in due.keys { state.waiters[detectorId]?.removeValue(forKey: id) }
            }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    public func version(of detectorId: String) -> Int? {
        self.state.withLockedValue { $0.versions[detectorId] }
    }

    public var epoch: UInt64 { self.state.withLockedValue { $0.epoch } }

    /// How many agents are waiting (for /metrics and tests).
    public var waiting: Int { self.state.withLockedValue { $0.waiters.values.reduce(0) { $0 + $1.count } } }

    /// Notifications may have been lost (listener reconnecting): wake every waiter.
    public func invalidate() {
        let woken = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.epoch &+= 1
            defer { state.waiters.removeAll() }
            return state.waiters.values.flatMap { $0.values.map(\.continuation) }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Applies a `config:DETECTOR:VERSION` payload; other payloads are ignored.
    public func apply(_ payload: String) {
        guard payload.hasPrefix("config:") else { return }
        let parts = payload.split(separator: ":")
        guard parts.count == 3, let version = Int(parts[2]) else { return }
        self.raise(String(parts[1]), to: version)
    }

    /// Returns once `detectorId`'s announced version is past `version` or the epoch has moved from `epoch` (at once if
    /// either already happened), or when the calling task is cancelled.
    public func waitForChange(of detectorId: String, past version: Int, epoch: UInt64) async {
        let id = self.state.withLockedValue { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = self.state.withLockedValue { state -> Bool in
                    if state.epoch != epoch || state.versions[detectorId, default: -1] > version || Task.isCancelled { return true }
                    state.waiters[detectorId, default: [:]][id] = (version, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let continuation = self.state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                let removed = state.waiters[detectorId]?.removeValue(forKey: id)
                if state.waiters[detectorId]?.isEmpty == true { state.waiters.removeValue(forKey: detectorId) }
                return removed?.continuation
            }
            continuation?.resume()
        }
    }
}
