import ThreatLists

/// An IPv4 or IPv6 address as the engine keys on it (IPv4 in the low 32 bits).
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public var value: UInt128
    public var isV6: Bool

    public init(v4: UInt32) {
        self.value = UInt128(v4)
        self.isV6 = false
    }

    public init(v6: UInt128) {
        self.value = v6
        self.isV6 = true
    }

    public static func parse<Bytes: Collection>(_ bytes: Bytes) -> IPAddress? where Bytes.Element == UInt8 {
        if let v4 = IPAddressParser.ipv4(bytes) { return IPAddress(v4: v4) }
        if let v6 = IPAddressParser.ipv6(bytes) { return IPAddress(v6: v6) }
        return nil
    }

    public var network: IPNetwork { self.isV6 ? IPNetwork(v6: self.value) : IPNetwork(v4: UInt32(self.value)) }

    /// Private, loopback, link-local, documentation and other special-purpose space: never a remote party.
    @inline(__always)
    public var isPrivateOrBogon: Bool {
        guard !self.isV6 else { return self.network.isBogon }
        let a = UInt32(truncatingIfNeeded: self.value)
        switch a >> 24 {
        case 0, 10, 127, 224...255: return true
        case 100: return a & 0xFFC0_0000 == 0x6440_0000
        case 169: return a & 0xFFFF_0000 == 0xA9FE_0000
        case 172: return a & 0xFFF0_0000 == 0xAC10_0000
        case 192: return a & 0xFFFF_0000 == 0xC0A8_0000 || a & 0xFFFF_FF00 == 0xC000_0000 || a & 0xFFFF_FF00 == 0xC000_0200
        case 198: return a & 0xFFFE_0000 == 0xC612_0000 || a & 0xFFFF_FF00 == 0xC633_6400
        case 203: return a & 0xFFFF_FF00 == 0xCB00_7100
        default: return false
        }
    }

    public var description: String { self.network.description }
}

/// One VPC Flow Logs record (the fields the rules use; `-` fields are nil).
public struct FlowRecord: Sendable {
    public var accountId: Int
    public var interfaceId: Int
    public var source: IPAddress?
    public var destination: IPAddress?
    public var sourcePort: Int
    public var destinationPort: Int
    public var protocolNumber: Int
    public var packets: Int
    public var bytes: Int
    public var start: Int64
    public var end: Int64
    public var accepted: Bool
    /// v3+ `tcp-flags`: the OR of the TCP flags AWS logs over the interval (FIN 1, SYN 2, RST 4, SYN-ACK 18); -1 when the
    /// format has no such field or the record has `-`.
    public var tcpFlags: Int16 = -1
    /// v5 `flow-direction` as seen by the logged interface: `ingress` (the destination is ours) or `egress`.
    public var flowDirection: FlowDirection = .unknown
    /// Interned string ids for the account, interface and (v3+) instance, resolved by the parser's `names`.
    public var instanceId: Int

    /// Nothing read yet.
    public static let empty = FlowRecord(
        accountId: 0, interfaceId: 0, source: nil, destination: nil, sourcePort: 0, destinationPort: 0, protocolNumber: 0, packets: 0,
        bytes: 0, start: 0, end: 0, accepted: false, instanceId: 0
    )
}

/// A flow record's `flow-direction` field, relative to the interface the record was captured on.
public enum FlowDirection: UInt8, Sendable {
    case unknown, ingress, egress
}

/// One CloudTrail management (or data) event, with the fields the rules read.
public struct CloudTrailEvent: Sendable {
    public var eventTime: Int64
    public var eventSource: String
    public var eventName: String
    public var eventType: String?
    public var awsRegion: String?
    public var sourceIPAddress: String?
    public var userAgent: String?
    public var errorCode: String?
    public var recipientAccountId: String?
    public var identityType: String?
    public var identityArn: String?
    public var principalId: String?
    public var accessKeyId: String?
    public var userName: String?
    public var invokedBy: String?
    public var consoleLoginResult: String?
    public var readOnly: Bool?
    /// `Management` or `Data` (CloudTrail's eventCategory), and `managementEvent`, which tell S3 data events apart.
    public var eventCategory: String? = nil
    public var managementEvent: Bool? = nil
    /// For S3 events: `requestParameters.bucketName`, and the raw `requestParameters` JSON (the bucket-policy rules read it).
    public var bucketName: String? = nil
    public var requestParameters: [UInt8]? = nil
    /// The raw `responseElements` JSON of the EC2 address events (`OrganisationAddresses.apis`), which name the
    /// organisation's public addresses.
    public var responseElements: [UInt8]? = nil
    /// The VPC endpoint the call came through (`vpcEndpointId`): a call from inside the organisation's network.
    public var vpcEndpointId: String? = nil
}

/// One Route 53 Resolver query log record.
public struct DNSQuery: Sendable {
    public var time: Int64
    public var accountId: String?
    public var region: String?
    /// Lower-cased, without the trailing dot the logs write.
    public var queryName: String
    public var queryType: String?
    public var rcode: String?
    public var sourceAddress: String?
    public var instanceId: String?
    public var vpcId: String?
    public var transport: String?
    public var answers: [String]
}
