import NIOConcurrencyHelpers

/// The agents this replica has seen registered, by agent id, with the account and region they heartbeat in: which of
/// the two heartbeat paths to take first.
///
/// A known agent's heartbeat is one statement that updates its row. A new agent's first heartbeat needs the
/// registering transaction (the account's lock, a count against the limit, an insert). Trying the one statement first
/// for a new agent too cost every registration an extra planned statement that found nothing, and when 10,000 agents
/// registered within one 15 s round, that extra work on two shared cores let the server fall behind (p50 over 10 s,
/// measured). So a heartbeat takes the one statement only when this replica knows that agent, and otherwise goes
/// straight to the registering transaction, which is correct for a known agent as well. At start the replica learns
/// the agents seen lately (`PostgresAgentChannelStore.rememberRecentAgents`), so that a restart or a new replica does
/// not send every agent through the account's lock again.
///
/// Only a hint: each path checks the agent's row for itself, and the one statement falls back to registering when the
/// row is gone or elsewhere. Bounded: two generations of at most `capacity` agents each. When the current one is full
/// it becomes the previous one and the one before is dropped, so an agent still heartbeating is carried into the new
/// generation on its next heartbeat and only agents silent for a whole generation are forgotten.
final class RegisteredAgents: Sendable {
    /// Agents per generation; at most two generations are held. An entry is an agent id of at most 64 bytes and its
    /// account and region: estimated (not measured) at 100-200 bytes, so at most about 80 MB for 400,000 agents.
    let capacity: Int
    private let generations: NIOLockedValueBox<(current: [String: Place], previous: [String: Place])>

    /// The account and region an agent's row was stored in.
    struct Place: Equatable, Sendable {
        let accountId: String
        let region: String
    }

    init(capacity: Int = 200_000) {
        self.capacity = max(1, capacity)
        self.generations = NIOLockedValueBox(([:], [:]))
    }

    /// Whether `agentId` is known to this replica in the caller's account and region. A hit in the previous generation
    /// carries the agent into the current one.
    func contains(_ agentId: String, accountId: String, region: String) -> Bool {
        let place = Place(accountId: accountId, region: region)
        return self.generations.withLockedValue { generations in
            if generations.current[agentId] == place { return true }
            guard generations.previous[agentId] == place else { return false }
            Self.insert(agentId, place, into: &generations, capacity: self.capacity)
            return true
        }
    }

    /// Remembers an agent stored in `accountId`'s `region`.
    func stored(_ agentId: String, accountId: String, region: String) {
        self.generations.withLockedValue { Self.insert(agentId, Place(accountId: accountId, region: region), into: &$0, capacity: self.capacity) }
    }

    private static func insert(
        _ agentId: String, _ place: Place, into generations: inout (current: [String: Place], previous: [String: Place]), capacity: Int
    ) {
        if generations.current.count >= capacity, generations.current[agentId] == nil {
            generations.previous = generations.current
            generations.current = [:]
        }
        generations.current[agentId] = place
    }

    /// Forgets an agent whose row was not where the hint said.
    func forget(_ agentId: String) {
        self.generations.withLockedValue { generations in
            generations.current.removeValue(forKey: agentId)
            generations.previous.removeValue(forKey: agentId)
        }
    }

    /// How many distinct agents are remembered, in both generations.
    var count: Int {
        self.generations.withLockedValue { generations in
            let current = generations.current
            return current.count + generations.previous.keys.filter { current[$0] == nil }.count
        }
    }
}
