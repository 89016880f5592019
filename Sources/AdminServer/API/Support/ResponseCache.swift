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

    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    let changes: ChangeSignal
    let capacity: Int

    public init(changes: ChangeSignal, capacity: Int = 50_000) {
        self.changes = changes
        self.capacity = capacity
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

    /// The cached body, or `read`'s encoded answer (stored for the next caller when nothing changed meanwhile).
    func body(_ key: Key, caller: Caller, read: () async throws -> Value) async throws -> Value {
        if let cached = try self.lookup(key, caller: caller) { return cached }
        let generation = self.changes.generation
        let body = try await read()
        self.store(key, caller: caller, body: body, readAt: generation)
        return body
    }
}
