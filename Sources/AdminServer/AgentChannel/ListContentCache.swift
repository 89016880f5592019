import NIOConcurrencyHelpers
import NIOCore

/// List contents by SHA-256, one copy in memory however many agents fetch them. A new list in force is fetched by
/// every agent of the organisation within seconds; reading it from the database once per agent held one copy per
/// pooled connection and per response in flight. Content is immutable (its hash names it), so an entry never goes
/// stale: it only leaves when the budget is spent. Concurrent misses of one hash share one read. Every response
/// body is the same `ByteBuffer` storage; NIO writes it to each socket without copying.
final class ListContentCache: Sendable {
    private struct State {
        var entries: [String: ByteBuffer] = [:]
        var bytes = 0
        var loading: [String: Task<ByteBuffer?, any Error>] = [:]
    }

    private let state = NIOLockedValueBox(State())
    /// The most bytes kept; a content larger than this is served but not kept.
    let budgetBytes: Int

    init(budgetBytes: Int = 256 << 20) {
        self.budgetBytes = budgetBytes
    }

    /// Bytes held now (for tests and /metrics).
    var bytes: Int { self.state.withLockedValue { $0.bytes } }

    /// The content of `sha256`, read with `load` when not held (nil when there is none).
    func content(_ sha256: String, load: @escaping @Sendable () async throws -> String?) async throws -> ByteBuffer? {
        let (held, task) = self.state.withLockedValue { state -> (ByteBuffer?, Task<ByteBuffer?, any Error>?) in
            if let held = state.entries[sha256] { return (held, nil) }
            if let loading = state.loading[sha256] { return (nil, loading) }
            let task = Task { try await load().map { ByteBuffer(string: $0) } }
            state.loading[sha256] = task
            return (nil, task)
        }
        guard let task else { return held }
        let result = await task.result
        self.state.withLockedValue { state in
            guard state.loading.removeValue(forKey: sha256) != nil, case .success(let body?) = result else { return }
            guard body.readableBytes <= self.budgetBytes else { return }
            if state.bytes + body.readableBytes > self.budgetBytes {
                state.entries.removeAll()
                state.bytes = 0
            }
            state.entries[sha256] = body
            state.bytes += body.readableBytes
        }
        return try result.get()
    }
}
