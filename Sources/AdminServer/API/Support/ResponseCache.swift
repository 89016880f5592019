import GuardDutyModel
import NIOConcurrencyHelpers
import NIOCore

/// Encoded API responses, served from memory while nothing has changed (see `ChangeSignal`): GetDetector, which agents
/// and dashboards poll, ListMembers pages, which consoles and posture tools (Prowler, Cloud Custodian) walk, and the
/// agents' effective configuration, which every agent of a member reads again after each settings change.
/// Answering them without a database round trip or JSON encoding is most of what makes them fast. Every write of this
/// process and every change NOTIFY from another (a statement trigger on `members` sends one) retires every entry, so a
/// read never returns what an acknowledged write replaced. An entry remembers its owner, so the tenancy check needs
/// no query; `Key` names what was asked (a detector id; a detector id with its page parameters), `Value` is the answer
/// (an encoded body; for agents, the body with its configuration version).
public final class ResponseCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    struct Entry {
        var accountId: String
        var region: String
        var body: Value
        var generation: UInt64
    }

    /// A read in progress: callers that miss the same key at the same generation for the same owner wait for it
    /// instead of reading too (10,000 agents woken by one change would otherwise read their configuration 10,000 times).
    struct Flight {
        var accountId: String
        var region: String
        var generation: UInt64
        var task: Task<Value, any Error>
    }

    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    private let flights = NIOLockedValueBox<[Key: Flight]>([:])
    let changes: ChangeSignal
    let capacity: Int
    /// How long a shared read may take (`DatabaseDeadline`). The read runs in a task of its own that later misses join,
    /// so the deadline of the request that started it would not end it: a query postgres-nio lost would otherwise
    /// keep failing every request for its key until the next change.
    let deadline: Duration

    public init(changes: ChangeSignal, capacity: Int = 50_000, deadline: Duration = DatabaseDeadline.limit) {
        self.changes = changes
        self.capacity = capacity
        self.deadline = deadline
    }

    /// The cached body for the caller, nil on a miss; throws GuardDuty's "not owned" error for another account's detector.
    func lookup(_ key: Key, caller: Caller) throws -> Value? {
        let generation = self.changes.generation
        guard let entry = self.entries.withLockedValue({ $0[key] }), entry.generation == generation else { return nil }
        guard entry.accountId == caller.accountId, entry.region == caller.region else { throw GuardDutyError.detectorNotOwned }
        return entry.body
    }

    /// Stores a body read at `generation`, unless something changed since (then the read may be stale).
    func store(_ key: Key, caller: Caller, body: Value, readAt generation: UInt64) {
        self.entries.withLockedValue { entries in
            guard self.changes.generation == generation else { return }
            if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(accountId: caller.accountId, region: caller.region, body: body, generation: generation)
        }
    }

    /// The cached body (when `accept` takes it), or `read`'s answer, stored for the next caller when nothing changed
    /// meanwhile. Concurrent misses of one key share one read, bounded by `deadline`.
    func body(
        _ key: Key, caller: Caller, accept: (Value) -> Bool = { _ in true }, read: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        if let cached = try self.lookup(key, caller: caller), accept(cached) { return cached }
        let generation = self.changes.generation
        let task = self.flights.withLockedValue { flights -> Task<Value, any Error> in
            if let flight = flights[key], flight.generation == generation, flight.accountId == caller.accountId,
                flight.region == caller.region
            {
                return flight.task
            }
            let deadline = self.deadline
            let task = Task { try await DatabaseDeadline.bounded(within: deadline, read) }
            flights[key] = Flight(accountId: caller.accountId, region: caller.region, generation: generation, task: task)
            return task
        }
        let result = await task.result
        self.flights.withLockedValue { flights in
            if flights[key]?.task == task { flights.removeValue(forKey: key) }
        }
        if case .success(let body) = result { self.store(key, caller: caller, body: body, readAt: generation) }
        return try result.get()
    }
}
