import Testing

@testable import AdminServer

/// The replica's hint of which agents it has stored, and where: exact on account and region, bounded.
@Suite("Registered agents")
struct RegisteredAgentsTests {
    @Test func anAgentIsKnownOnlyInTheAccountAndRegionItWasStoredIn() {
        let agents = RegisteredAgents()
        #expect(!agents.contains("agent-1", accountId: "111111111111", region: "us-east-1"))
        agents.stored("agent-1", accountId: "111111111111", region: "us-east-1")
        #expect(agents.contains("agent-1", accountId: "111111111111", region: "us-east-1"))
        #expect(!agents.contains("agent-1", accountId: "111111111111", region: "eu-west-1"))
        #expect(!agents.contains("agent-1", accountId: "222222222222", region: "us-east-1"))
        agents.stored("agent-1", accountId: "111111111111", region: "eu-west-1")
        #expect(agents.contains("agent-1", accountId: "111111111111", region: "eu-west-1"))
        #expect(!agents.contains("agent-1", accountId: "111111111111", region: "us-east-1"))
        agents.forget("agent-1")
        #expect(!agents.contains("agent-1", accountId: "111111111111", region: "eu-west-1"))
    }

    @Test func whenFullItStartsAgainEmptyInsteadOfGrowing() {
        let agents = RegisteredAgents(capacity: 3)
        for n in 0..<3 { agents.stored("agent-\(n)", accountId: "111111111111", region: "us-east-1") }
        #expect(agents.count == 3)
        // Storing a known agent again does not count as a new one.
        agents.stored("agent-2", accountId: "111111111111", region: "us-east-1")
        #expect(agents.count == 3)
        agents.stored("agent-3", accountId: "111111111111", region: "us-east-1")
        #expect(agents.count == 1)
        #expect(agents.contains("agent-3", accountId: "111111111111", region: "us-east-1"))
        #expect(!agents.contains("agent-0", accountId: "111111111111", region: "us-east-1"))
    }
}
