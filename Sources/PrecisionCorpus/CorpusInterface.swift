/// A network interface of the generated VPC whose flow log the corpus writes: an instance's, a NAT gateway's or a
/// load balancer's.
struct CorpusInterface: Sendable {
    var name: String
    var role: String
    var interfaceId: String
    var instanceId: String?
    var privateAddress: String
    /// The Elastic IP or public address that maps to it, if any.
    var publicAddress: String?
    var subnetId: String
    /// Custom v5 format with a header (else default v2).
    var custom: Bool
    /// Maximum aggregation interval of its flow log: 60 s, or 600 s for a few.
    var interval: Int64
    /// Whether it reaches the internet through a NAT gateway (private subnet).
    var isPrivate: Bool

    /// The flow log (one per format and interval) the interface's records go to.
    var logId: String {
        "fl-0" + (self.custom ? "5c" : "2d") + (self.interval == 60 ? "01" : "10") + "a1b2c3d4e5f6"
    }
}
