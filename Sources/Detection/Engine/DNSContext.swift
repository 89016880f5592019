import GuardDutyModel

/// One DNS query as the DNS rules read it, with the per-query work they share done once: the name normalised (lower
/// case, no trailing dot), the account, region and instance it belongs to.
struct DNSContext {
    let query: DNSQuery
    let name: String
    let account: String
    let region: String
    /// The instance id, else the source address, else "unknown".
    let instance: String
}
