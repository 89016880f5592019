import Testing

@testable import AdminServer

/// An agent's request ends even when postgres-nio never answers its query (a connection closed at the wrong moment).
@Suite("Database deadline", .timeLimit(.minutes(1)))
struct DatabaseDeadlineTests {
    /// The work's own error, which the caller must get unchanged.
    struct Refused: Error {}

    @Test func workThatNeverEndsIsAnsweredWithAnErrorOnceTheLimitPasses() async throws {
        let started = ContinuousClock.now
        await #expect(throws: DatabaseDeadline.Exceeded.self) {
            // A continuation nobody resumes, as postgres-nio leaves a query whose connection closed under it.
            try await DatabaseDeadline.run(within: .milliseconds(100)) { () async throws -> Int in
                await withUnsafeContinuation { (_: UnsafeContinuation<Int, Never>) in }
            }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(100))
    }

    @Test func workThatEndsInTimeGivesItsValueOrItsError() async throws {
        #expect(try await DatabaseDeadline.run(within: .seconds(30)) { 42 } == 42)
        await #expect(throws: Refused.self) {
            try await DatabaseDeadline.run(within: .seconds(30)) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func workPastTheLimitIsCancelled() async throws {
        let cancelled = try await withThrowingTaskGroup(of: Bool.self) { group in
            let (stream, continuation) = AsyncStream<Bool>.makeStream()
            group.addTask {
                _ = try? await DatabaseDeadline.run(within: .milliseconds(50)) { () async throws -> Int in
                    try? await Task.sleep(for: .seconds(20))
                    continuation.yield(Task.isCancelled)
                    return 0
                }
                return true
            }
            _ = try await group.next()
            var iterator = stream.makeAsyncIterator()
            return await iterator.next() ?? false
        }
        #expect(cancelled)
    }

    @Test func aCallerCancelledWhileItsWorkNeverEndsIsAnsweredAtOnce() async throws {
        let caller = Task {
            try await DatabaseDeadline.run(within: .seconds(30)) { () async throws -> Int in
                await withUnsafeContinuation { (_: UnsafeContinuation<Int, Never>) in }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        caller.cancel()
        // Answered by the cancellation, not by the 30 s limit (which would be `Exceeded`).
        await #expect(throws: CancellationError.self) { try await caller.value }
    }
}
