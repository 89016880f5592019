import GuardDutyModel
import NIOConcurrencyHelpers
import NIOCore

/// Encoded GetDetector responses, served from memory while nothing has changed (see `ChangeSignal`).
/// GetDetector is what agents and dashboards poll; answering it without a database round trip or JSON
/// encoding is most of what makes it fast. An entry remembers its owner so the tenancy check needs no query.
public final class DetectorResponseCache: Sendable {
    struct Entry {
        var accountId: String
        var region: String
        var body: ByteBuffer
        var generation: UInt64
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])
    let changes: ChangeSignal
    let capacity: Int

    public init(changes: ChangeSignal, capacity: Int = 50_000) {
        self.changes = changes
        self.capacity = capacity
    }

    /// The cached body for the caller, nil on a miss; throws GuardDuty's "not owned" error for another account's detector.
    func lookup(_ detectorId: String, caller: Caller) throws -> ByteBuffer? {
        let generation = self.changes.generation
        guard let entry = self.entries.withLockedValue({ $0[detectorId] }), entry.generation == generation else { return nil }
        guard entry.accountId == caller.accountId, entry.region == caller.region else { throw GuardDutyError.detectorNotOwned }
        return entry.body
    }

    /// Stores a body read at `generation`, unless something changed since (then the read may be stale).
    func store(_ detectorId: String, caller: Caller, body: ByteBuffer, readAt generation: UInt64) {
        self.entries.withLockedValue { entries in
            guard self.changes.generation == generation else { return }
            if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[detectorId] = Entry(accountId: caller.accountId, region: caller.region, body: body, generation: generation)
        }
    }
}
