import NIOConcurrencyHelpers

/// A counter that moves forward whenever stored state may have changed: after every write transaction of this
/// process, and on every change NOTIFY from another process. Read caches tag entries with the generation they
/// were read at and ignore entries from older generations, so a write is never followed by a stale read here.
public final class ChangeSignal: Sendable {
    private let value = NIOLockedValueBox<UInt64>(0)

    public init() {}

    public var generation: UInt64 { self.value.withLockedValue { $0 } }

    public func bump() {
        self.value.withLockedValue { $0 &+= 1 }
    }
}
