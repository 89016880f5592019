/// What the engine works out once per DNS query for all DNS rules: the name normalised (lower case, no trailing dot),
/// the account, region and instance it belongs to, and the domain lists the name is on (both matchers read in one
/// pass over the name). Handed to the rules next to the query.
struct DNSContext {
    let name: String
    let account: String
    let region: String
    /// The instance id, else the source address, else "unknown".
    let instance: String
    /// The built-in domain list the name is on (`Intelligence.builtInDomainTypes` names its finding type), if any.
    let builtInList: Int?
    /// The names of the detector's threat lists the name is on.
    let threatLists: [String]
}
