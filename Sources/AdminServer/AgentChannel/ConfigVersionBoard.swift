import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The newest configuration version announced per detector (`config:DETECTOR:VERSION` on `guardpost_changes`;
/// PostgreSQL delivers a session's NOTIFY to every listener, this replica's own included, once the change commits).
/// A long-polling agent waits on its own detector's entry, so a change wakes only the agents it concerns, whichever
/// replica made it. `epoch` moves when the listener (re)connects, because notifications may have been missed: every
/// waiter then reads its configuration again. A waiter is a suspended continuation, not a polling loop: ten thousand
/// idle agents cost memory, not CPU.
public final class ConfigVersionBoard: Sendable {
    /// A suspended poll: woken with true by a change past `past`, with false by the sweep after `deadline`.
    private struct Waiter {
        var past: Int
        var continuation: CheckedContinuation<Bool, Never>
        var deadline: ContinuousClock.Instant?
    }

    private struct State {
        var versions: [String: Int] = [:]
        var epoch: UInt64 = 0
        var waiters: [String: [UInt64: Waiter]] = [:]
        var nextWaiter: UInt64 = 0
        /// Whether a sweep is scheduled (there is one while any waiter has a deadline).
        var sweeping = false

        /// Takes one waiter out, dropping its detector's entry once empty.
        mutating func take(_ detectorId: String, _ id: UInt64) -> Waiter? {
            let removed = self.waiters[detectorId]?.removeValue(forKey: id)
            if self.waiters[detectorId]?.isEmpty == true { self.waiters.removeValue(forKey: detectorId) }
            return removed
        }
    }

    private let state = NIOLockedValueBox(State())
    /// Where the sweep runs that answers the waiters whose deadline has passed.
    private let timers: any EventLoopGroup
    /// How often the sweep runs while any waiter has a deadline: an unchanged poll is answered at most this late.
    ///
    /// One sweep for every waiter, rather than a timer or a sleeping task beside each poll: a change that wakes 10,000
    /// polls then has no timer to cancel (NIO removes a scheduled task by a linear search of its heap) and no task to
    /// cancel and join for each of them.
    static let sweepInterval = TimeAmount.milliseconds(250)

    /// `timers` must outlive the board: a sweep scheduled on a group that was shut down never runs.
    init(timers: any EventLoopGroup) {
        self.timers = timers
    }

    public convenience init() {
        self.init(timers: MultiThreadedEventLoopGroup.singleton)
    }

    /// Resumes waiters, outside the lock.
    private static func wake(_ waiters: some Sequence<Waiter>, _ changed: Bool) {
        for waiter in waiters { waiter.continuation.resume(returning: changed) }
    }

    public func raise(_ detectorId: String, to version: Int) {
        let woken = self.state.withLockedValue { state -> [Waiter] in
            guard version > state.versions[detectorId, default: -1] else { return [] }
            state.versions[detectorId] = version
            guard let waiting = state.waiters[detectorId] else { return [] }
            let due = waiting.filter { $0.value.past < version }
            if due.count == waiting.count {
                state.waiters.removeValue(forKey: detectorId)
            } else {
                for id in due.keys { state.waiters[detectorId]?.removeValue(forKey: id) }
            }
            return Array(due.values)
        }
        Self.wake(woken, true)
    }

    public func version(of detectorId: String) -> Int? {
        self.state.withLockedValue { $0.versions[detectorId] }
    }

    public var epoch: UInt64 { self.state.withLockedValue { $0.epoch } }

    /// How many agents are waiting (for /metrics and tests).
    public var waiting: Int { self.state.withLockedValue { $0.waiters.values.reduce(0) { $0 + $1.count } } }

    /// Notifications may have been lost (listener reconnecting): wake every waiter.
    public func invalidate() {
        let woken = self.state.withLockedValue { state -> [Waiter] in
            state.epoch &+= 1
            defer { state.waiters.removeAll() }
            return state.waiters.values.flatMap(\.values)
        }
        Self.wake(woken, true)
    }

    /// Applies a `config:DETECTOR:VERSION` payload; other payloads are ignored.
    public func apply(_ payload: String) {
        guard payload.hasPrefix("config:") else { return }
        let parts = payload.split(separator: ":")
        guard parts.count == 3, let version = Int(parts[2]) else { return }
        self.raise(String(parts[1]), to: version)
    }

    /// Returns true once `detectorId`'s announced version is past `version` or the epoch has moved from `epoch` (at
    /// once if either already happened), false once `deadline` passes first (within `sweepInterval`; never without a
    /// deadline), and true at once when the calling task is cancelled.
    @discardableResult
    public func waitForChange(of detectorId: String, past version: Int, epoch: UInt64, until deadline: ContinuousClock.Instant? = nil) async -> Bool {
        let id = self.state.withLockedValue { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let (now, changed, sweep) = self.state.withLockedValue { state -> (Bool, Bool, Bool) in
                    if state.epoch != epoch || state.versions[detectorId, default: -1] > version || Task.isCancelled { return (true, true, false) }
                    if let deadline, deadline <= .now { return (true, false, false) }
                    state.waiters[detectorId, default: [:]][id] = Waiter(past: version, continuation: continuation, deadline: deadline)
                    guard deadline != nil, !state.sweeping else { return (false, false, false) }
                    state.sweeping = true
                    return (false, false, true)
                }
                if now { continuation.resume(returning: changed) }
                if sweep { self.scheduleSweep() }
            }
        } onCancel: {
            if let waiter = self.remove(detectorId, id) { Self.wake([waiter], true) }
        }
    }

    private func scheduleSweep() {
        self.timers.any().scheduleTask(in: Self.sweepInterval) { self.sweep() }
    }

    /// Answers unchanged every waiter whose deadline has passed; scheduled again while any waiter has a deadline.
    private func sweep() {
        let now = ContinuousClock.now
        let (expired, again) = self.state.withLockedValue { state -> ([Waiter], Bool) in
            var due: [(String, UInt64)] = []
            var remaining = false
            for (detectorId, waiting) in state.waiters {
                for (id, waiter) in waiting {
                    guard let deadline = waiter.deadline else { continue }
                    if deadline <= now { due.append((detectorId, id)) } else { remaining = true }
                }
            }
            var expired: [Waiter] = []
            for (detectorId, id) in due {
                if let waiter = state.take(detectorId, id) { expired.append(waiter) }
            }
            state.sweeping = remaining
            return (expired, remaining)
        }
        Self.wake(expired, false)
        if again { self.scheduleSweep() }
    }

    private func remove(_ detectorId: String, _ id: UInt64) -> Waiter? {
        self.state.withLockedValue { $0.take(detectorId, id) }
    }
}
