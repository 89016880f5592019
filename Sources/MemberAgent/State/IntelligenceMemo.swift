import Detection
import Synchronization
import ThreatLists

/// What the agent keeps between two configurations: each list's and feed's parsed content by hash, and the last
/// intelligence built with the key of what it was built from. Only the contents of the configuration in force stay.
final class IntelligenceMemo: Sendable {
    private struct State {
        var parsed: [String: ParsedList] = [:]
        var last: (key: String, intelligence: Intelligence)?
    }

    private let state = Mutex(State())

    func intelligence(for key: String) -> Intelligence? {
        self.state.withLock { $0.last?.key == key ? $0.last?.intelligence : nil }
    }

    func parsed(_ key: String) -> ParsedList? { self.state.withLock { $0.parsed[key] } }

    func store(_ parsed: ParsedList, for key: String) { self.state.withLock { $0.parsed[key] = parsed } }

    /// Keeps the intelligence just built and forgets the parsed contents it did not use.
    func keep(_ intelligence: Intelligence, for key: String, parsed used: Set<String>) {
        self.state.withLock { state in
            state.last = (key, intelligence)
            state.parsed = state.parsed.filter { used.contains($0.key) }
        }
    }
}
