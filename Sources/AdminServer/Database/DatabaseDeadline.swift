import GuardDutyModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Bounds how long a request waits on its database work: every API and console handler (`DeadlineRoutes`), each
/// database call of the agent channel (list reads, findings batches, heartbeats), the shared reads of `ResponseCache`
/// (GetDetector, ListMembers pages, agents' configuration), the key and region lookups of authentication, and
/// `/health`'s check. Work past its deadline is cancelled, and a transaction that sees it cancelled rolls back instead
/// of committing (`PostgresStoreContext.transaction`): a request answered 500 does not take effect after the fact,
/// unless its COMMIT was already on its way.
///
/// postgres-nio can leave a query's continuation unresumed when its connection closes at the wrong moment (the fix,
/// vapor/postgres-nio#487, was reverted in #501). Here that happened when the primary died mid-ingest: the ingest
/// request never ended, and it held its replica's graceful shutdown for good. So the work runs in a task of its own,
/// and once `limit` passes the caller gets an error while that task is cancelled and left to end whenever it does (a
/// lost query's task never does, and keeps what it captured). The limit applies per call: a request that needs a key
/// lookup and then an ingest may wait twice. For an agent that is a 500: it keeps the batch and sends it again, and
/// ingest is idempotent.
public enum DatabaseDeadline {
    /// Thrown when the work outlasts its limit.
    struct Exceeded: Error {}

    /// How long a request's database work may take before the caller is told to try again.
    public static let limit = Duration.seconds(30)

    /// The work within `limit`, else GuardDuty's 500 (InternalServerErrorException), which clients retry.
    static func bounded<Value: Sendable>(
        within limit: Duration = Self.limit, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        do {
            return try await self.run(within: limit, operation)
        } catch is Exceeded {
            throw GuardDutyError.internalError()
        }
    }

    /// The work's value or error, or `Exceeded` once `limit` passes first, or `CancellationError` once the caller is
    /// cancelled first. The timer is a NIO scheduled task (a heap entry), not a sleeping task beside each call.
    /// The work runs in an unstructured `Task`, which keeps the caller's task-locals (`WriterScope`): never detached.
    static func run<Value: Sendable>(
        within limit: Duration, on timers: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let state = NIOLockedValueBox<(waiting: CheckedContinuation<Value, any Error>?, work: Task<Void, Never>?, timer: Scheduled<Void>?)>(
            (nil, nil, nil))
        /// Answers the caller once; the first answer cancels the timer and, unless it is the work's own, the work.
        let finish: @Sendable (Result<Value, any Error>, _ byWork: Bool) -> Void = { result, byWork in
            let (waiting, work, timer) = state.withLockedValue { state in
                defer { state = (nil, nil, nil) }
                return state
            }
            timer?.cancel()
            if !byWork { work?.cancel() }
            waiting?.resume(with: result)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                state.withLockedValue { $0.waiting = continuation }
                let work = Task {
                    do {
                        finish(.success(try await operation()), true)
                    } catch {
                        finish(.failure(error), true)
                    }
                }
                let (seconds, attoseconds) = limit.components
                let timer = timers.any().scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) {
                    finish(.failure(Exceeded()), false)
                }
                // Kept only while the caller still waits; if it was already answered, they go at once (cancelling
                // work that answered itself does nothing).
                let late = state.withLockedValue { state -> Bool in
                    guard state.waiting != nil else { return true }
                    state.work = work
                    state.timer = timer
                    return false
                }
                if late {
                    timer.cancel()
                    work.cancel()
                } else if Task.isCancelled {
                    finish(.failure(CancellationError()), false)
                }
            }
        } onCancel: {
            finish(.failure(CancellationError()), false)
        }
    }
}
