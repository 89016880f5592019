/// Where an address's record is in a MaxMind DB data section, and the prefix length of the network that holds it
/// (for an IPv4 address, in IPv4 bits even in an IPv6 database, as MaxMind's Python reader answers).
public struct MMDBRecord: Sendable, Equatable {
    public let offset: Int
    public let prefixLength: Int
}
