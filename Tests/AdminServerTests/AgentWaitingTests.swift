import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import AdminServer

/// The long poll's waiting room and the list content cache: what lets one replica hold 10,000 agents.
@Suite("Agents waiting for changes", .timeLimit(.minutes(1)))
struct AgentWaitingTests {
    @Test func aWaiterSleepsUntilItsOwnDetectorsVersionMovesAndOthersStayAsleep() async throws {
        let board = ConfigVersionBoard()
        board.raise("d1", to: 3)
        let epoch = board.epoch
        let woken = NIOLockedValueBox<[String]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for detector in ["d1", "d2"] {
                group.addTask {
                    await board.waitForChange(of: detector, past: 3, epoch: epoch)
                    woken.withLockedValue { $0.append(detector) }
                }
            }
            while board.waiting < 2 { try await Task.sleep(for: .milliseconds(5)) }
            board.raise("d1", to: 3)  // not past what the waiters read
            board.raise("d2", to: 2)
            #expect(board.waiting == 2)
            board.raise("d1", to: 4)
            try await group.next()
            #expect(woken.withLockedValue { $0 } == ["d1"])
            #expect(board.waiting == 1)
            board.invalidate()  // the listener reconnected: notifications may have been missed
            try await group.next()
        }
        #expect(woken.withLockedValue { $0 }.sorted() == ["d1", "d2"])
        #expect(board.waiting == 0)
    }

    @Test func aWaiterReturnsAtOnceWhenTheChangeCameBeforeItWaitedOrItIsCancelled() async throws {
        let board = ConfigVersionBoard()
        let epoch = board.epoch
        board.raise("d1", to: 5)
        await board.waitForChange(of: "d1", past: 4, epoch: epoch)  // announced already
        board.invalidate()
        await board.waitForChange(of: "d2", past: 0, epoch: epoch)  // the epoch moved since it was read
        let waiter = Task { await board.waitForChange(of: "d3", past: 0, epoch: board.epoch) }
        while board.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }
        waiter.cancel()
        await waiter.value
        #expect(board.waiting == 0)
    }

    @Test func aWaiterWhoseDeadlinePassesFirstAnswersUnchangedAndAChangeBeforeItAnswersChanged() async throws {
        let board = ConfigVersionBoard()
        let epoch = board.epoch
        let started = ContinuousClock.now
        #expect(await board.waitForChange(of: "d1", past: 0, epoch: epoch, until: started + .milliseconds(50)) == false)
        #expect(ContinuousClock.now - started >= .milliseconds(50))
        #expect(board.waiting == 0)
        // Woken by a change long before its deadline.
        let waiter = Task { await board.waitForChange(of: "d1", past: 0, epoch: epoch, until: .now + .seconds(30)) }
        while board.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }
        board.raise("d1", to: 1)
        #expect(await waiter.value == true)
        // A deadline already past with the change already announced: the change wins.
        #expect(await board.waitForChange(of: "d1", past: 0, epoch: epoch, until: started) == true)
        // A deadline already past and no change: answers unchanged at once.
        #expect(await board.waitForChange(of: "d2", past: 0, epoch: epoch, until: started) == false)
        #expect(board.waiting == 0)
    }

    /// A sweep that failed to start would leave a waiter unanswered for good: the suite's time limit turns that hang
    /// into a failure, without timing the answer itself (two cores under the whole suite once took 6.5 s for it).
    @Test func theSweepKeepsRunningWhileAnyWaiterHasADeadlineAndStartsAgainForTheNext() async throws {
        let board = ConfigVersionBoard()
        let epoch = board.epoch
        // Two deadlines a few sweeps apart, and a waiter without one that only a change ends.
        let early = Task { await board.waitForChange(of: "d1", past: 0, epoch: epoch, until: .now + .milliseconds(100)) }
        let late = Task { await board.waitForChange(of: "d2", past: 0, epoch: epoch, until: .now + .milliseconds(700)) }
        let forever = Task { await board.waitForChange(of: "d3", past: 0, epoch: epoch) }
        while board.waiting < 3 { try await Task.sleep(for: .milliseconds(5)) }
        // The later deadline is answered by a later sweep (were the sweep to stop with the first, it never would be).
        #expect(await early.value == false)
        #expect(await late.value == false)
        #expect(board.waiting == 1)
        board.raise("d3", to: 1)
        #expect(await forever.value == true)
        // Every sweep has ended with its waiters; a new deadline starts another.
        #expect(await board.waitForChange(of: "d4", past: 0, epoch: epoch, until: .now + .milliseconds(50)) == false)
        // A cancelled waiter with a deadline leaves at once and is not answered again by the sweep.
        let cancelled = Task { await board.waitForChange(of: "d5", past: 0, epoch: epoch, until: .now + .seconds(30)) }
        while board.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }
        cancelled.cancel()
        _ = await cancelled.value
        #expect(board.waiting == 0)
    }

    @Test func manyFetchesOfOneListReadItOnceAndShareOneCopy() async throws {
        let cache = ListContentCache(budgetBytes: 1 << 20)
        let reads = NIOLockedValueBox(0)
        let content = String(repeating: "203.0.113.7\n", count: 10_000)
        let bodies = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await cache.content("a".padding(toLength: 64, withPad: "0", startingAt: 0)) {
                        reads.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(50))
                        return content
                    }
                }
            }
            return try await group.reduce(into: [ByteBuffer?]()) { $0.append($1) }
        }
        #expect(reads.withLockedValue { $0 } == 1)
        #expect(bodies.allSatisfy { $0.map { String(buffer: $0) } == content })
        #expect(cache.bytes == content.utf8.count)
        // A hash with no content is not kept, and asked again next time; a content over the budget is served, not kept.
        #expect(try await cache.content(String(repeating: "b", count: 64)) { nil } == nil)
        let big = String(repeating: "x", count: 2 << 20)
        #expect(try await cache.content(String(repeating: "c", count: 64)) { big }?.readableBytes == big.utf8.count)
        #expect(cache.bytes == content.utf8.count)
    }
}
