import GuardDutyModel
import NIOConcurrencyHelpers

/// Bounds how long a request waits on database work: an agent's writes, and the key and region lookups of
/// authentication that every request may need.
///
/// postgres-nio can leave a query's continuation unresumed when its connection closes at the wrong moment (the fix,
/// vapor/postgres-nio#487, was reverted in #501). Here that happened when the primary died mid-ingest: the ingest
/// request never ended, and it held its replica's graceful shutdown for good. So the work runs in a task of its own,
/// and once `limit` passes the caller gets an error while that task is cancelled and left to end whenever it does.
/// For an agent that is a 500 after `limit`: it keeps the batch and sends it again, and ingest is idempotent.
enum DatabaseDeadline {
    /// Thrown when the work outlasts its limit.
    struct Exceeded: Error {}

    /// How long a request's database work may take before the caller is told to try again.
    static let limit = Duration.seconds(30)

    /// The work within `limit`, else GuardDuty's 500 (InternalServerErrorException), which clients retry.
    static func bounded<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        do {
            return try await self.run(within: self.limit, operation)
        } catch is Exceeded {
            throw GuardDutyError.internalError()
        }
    }

    static func run<Value: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let work = Task { try await operation() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let pending = NIOLockedValueBox<CheckedContinuation<Value, any Error>?>(continuation)
                let finish: @Sendable (Result<Value, any Error>) -> Void = { result in
                    pending.withLockedValue { waiting in
                        defer { waiting = nil }
                        return waiting
                    }?.resume(with: result)
                }
                let timer = Task {
                    try await Task.sleep(for: limit)
                    finish(.failure(Exceeded()))
                    work.cancel()
                }
                Task {
                    let result = await work.result
                    timer.cancel()
                    finish(result)
                }
            }
        } onCancel: {
            work.cancel()
        }
    }
}
