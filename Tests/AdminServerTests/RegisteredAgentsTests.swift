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

    @Test func itHoldsTwoGenerationsAndCarriesAgentsStillHeartbeatingIntoTheNewOne() {
        let agents = RegisteredAgents(capacity: 3)
        for n in 0..<3 { agents.stored("agent-\(n)", accountId: "111111111111", region: "us-east-1") }
        #expect(agents.count == 3)
        // Storing a known agent again does not count as a new one.
        agents.stored("agent-2", accountId: "111111111111", region: "us-east-1")
        #expect(agents.count == 3)
        // The fourth starts a new generation; the first three are still known, in the previous one.
        agents.stored("agent-3", accountId: "111111111111", region: "us-east-1")
        #expect(agents.count == 4)
        #expect(agents.contains("agent-0", accountId: "111111111111", region: "us-east-1"), "carried into the new generation")
        for n in 4..<6 { agents.stored("agent-\(n)", accountId: "111111111111", region: "us-east-1") }
        // agent-0, agent-3, agent-4 filled the new generation; agent-5 started another, dropping agent-1 and agent-2.
        #expect(agents.contains("agent-0", accountId: "111111111111", region: "us-east-1"))
        #expect(agents.contains("agent-5", accountId: "111111111111", region: "us-east-1"))
        #expect(!agents.contains("agent-1", accountId: "111111111111", region: "us-east-1"))
        #expect(!agents.contains("agent-2", accountId: "111111111111", region: "us-east-1"))
        #expect(agents.count <= 2 * agents.capacity)
    }
}
