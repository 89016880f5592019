import NIOConcurrencyHelpers

/// The agents this replica has seen registered, by agent id, with the account and region they heartbeat in: which of
/// the two heartbeat paths to take first.
///
/// A known agent's heartbeat is one statement that updates its row. A new agent's first heartbeat needs the
/// registering transaction (the account's lock, a count against the limit, an insert). Trying the one statement first
/// for a new agent too cost every registration an extra planned statement that found nothing, and when 10,000 agents
/// registered within one 15 s round, that extra work on two shared cores let the server fall behind (p50 over 10 s,
/// measured). So a heartbeat takes the one statement only when this replica has stored that agent before, and
/// otherwise goes straight to the registering transaction, which is correct for a known agent as well.
///
/// Only a hint: each path checks the agent's row for itself, and the one statement falls back to registering when the
/// row is gone or elsewhere. Bounded by `capacity`: when full it starts again empty, and each agent's next heartbeat
/// takes the registering path once.
final class RegisteredAgents: Sendable {
    /// Agents remembered before starting again empty (about 100 bytes each).
    let capacity: Int
    private let agents: NIOLockedValueBox<[String: Place]>

    /// The account and region an agent's row was stored in.
    struct Place: Equatable, Sendable {
        let accountId: String
        let region: String
    }

    init(capacity: Int = 200_000) {
        self.capacity = capacity
        self.agents = NIOLockedValueBox([:])
    }

    /// Whether `agentId` was stored by this replica in the caller's account and region.
    func contains(_ agentId: String, accountId: String, region: String) -> Bool {
        self.agents.withLockedValue { $0[agentId] == Place(accountId: accountId, region: region) }
    }

    /// Remembers an agent stored in `accountId`'s `region`.
    func stored(_ agentId: String, accountId: String, region: String) {
        self.agents.withLockedValue { agents in
            if agents.count >= self.capacity, agents[agentId] == nil { agents.removeAll(keepingCapacity: true) }
            agents[agentId] = Place(accountId: accountId, region: region)
        }
    }

    /// Forgets an agent whose row was not where the hint said.
    func forget(_ agentId: String) {
        self.agents.withLockedValue { _ = $0.removeValue(forKey: agentId) }
    }

    /// How many agents are remembered.
    var count: Int { self.agents.withLockedValue { $0.count } }
}
