/// Agents reporting to the server: a bounded number per account and region, an agent id belongs to one account,
/// and usage counts once per heartbeat sequence.
public enum AgentRules {
    /// A new agent in a region is admitted only below the account's limit there.
    public static func roomForAnother(count: Int, limit: Int, accountId: String, region: String) throws {
        guard count < limit else {
            throw GuardDutyError.badRequest(
                "The request is rejected because account \(accountId) already has \(count) agents in \(region); at most \(limit) are allowed."
            )
        }
    }

    public static func belongsToAnotherAccount(_ agentId: String) -> GuardDutyError {
        .badRequest("The request is rejected because agent \(agentId) belongs to another account.")
    }

    /// A heartbeat's usage counts unless the server already applied a sequence at least as far (a retried heartbeat).
    /// The store's one-statement heartbeat states the same rule in SQL; `CoverageTests` hold both to it.
    public static func countsUsage(sequence: Int64?, applied: Int64?) -> Bool {
        sequence.map { sequence in applied.map { sequence > $0 } ?? true } ?? true
    }
}
