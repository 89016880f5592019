import NIOConcurrencyHelpers

/// The newest configuration version announced per detector (`config:DETECTOR:VERSION` on `guardpost_changes`;
/// PostgreSQL delivers a session's NOTIFY to every listener, this replica's own included, once the change commits).
/// A long-polling agent waits on its own detector's entry, so a change wakes only the agents it concerns, whichever
/// replica made it. `epoch` moves when the listener (re)connects, because notifications may have been missed: every
/// waiter then reads its configuration again.
public final class ConfigVersionBoard: Sendable {
    private let state = NIOLockedValueBox<(versions: [String: Int], epoch: UInt64)>(([:], 0))

    public init() {}

    public func raise(_ detectorId: String, to version: Int) {
        self.state.withLockedValue { state in
            if version > state.versions[detectorId, default: -1] { state.versions[detectorId] = version }
        }
    }

    public func version(of detectorId: String) -> Int? {
        self.state.withLockedValue { $0.versions[detectorId] }
    }

    public var epoch: UInt64 { self.state.withLockedValue { $0.epoch } }

    /// Notifications may have been lost (listener reconnecting): wake every waiter.
    public func invalidate() {
        self.state.withLockedValue { $0.epoch &+= 1 }
    }

    /// Applies a `config:DETECTOR:VERSION` payload; other payloads are ignored.
    public func apply(_ payload: String) {
        guard payload.hasPrefix("config:") else { return }
        let parts = payload.split(separator: ":")
        guard parts.count == 3, let version = Int(parts[2]) else { return }
        self.raise(String(parts[1]), to: version)
    }
}
