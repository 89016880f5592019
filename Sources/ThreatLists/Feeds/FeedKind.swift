import GuardDutyModel

/// What a hit on a managed intelligence feed means: the kind decides which GuardDuty finding types the feed's
/// addresses and domains drive. A feed of any kind may hold both (URLhaus lists hosts as names and bare addresses);
/// an address of a domain feed means what the kind's address side means, and the other way round.
public enum FeedKind: String, CaseIterable, Sendable, Codable {
    case torExit = "tor-exit"
    case maliciousIP = "malicious-ip"
    case c2IP = "c2-ip"
    case miningIP = "mining-ip"
    case miningDomain = "mining-domain"
    case maliciousDomain = "malicious-domain"
    case phishingDomain = "phishing-domain"
    case c2Domain = "c2-domain"

    /// What an address on a feed of this kind is.
    public var addressMeaning: FeedAddressMeaning {
        switch self {
        case .torExit: .tor
        case .maliciousIP, .maliciousDomain, .phishingDomain: .malicious
        case .c2IP, .c2Domain: .commandAndControl
        case .miningIP, .miningDomain: .miningPool
        }
    }

    /// The finding type of an instance querying a domain on a feed of this kind (nil: the kind says nothing of names).
    public var domainFindingType: FindingType? {
        switch self {
        case .torExit: nil
        case .maliciousIP, .maliciousDomain: .impactEC2MaliciousDomainRequestReputation
        case .phishingDomain: .trojanEC2PhishingDomainRequestDNS
        case .c2IP, .c2Domain: .backdoorEC2CCActivityBDNS
        case .miningIP, .miningDomain: .cryptoCurrencyEC2BitcoinToolBDNS
        }
    }

    /// Every finding type a hit on this kind can raise, for `intel list` and the README.
    public var findingTypes: [FindingType] {
        self.addressMeaning.findingTypes + (self.domainFindingType.map { [$0] } ?? [])
    }

    /// The kinds as the command line lists them.
    public static var names: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What an address on an intelligence feed is, whichever feed said so.
public enum FeedAddressMeaning: String, CaseIterable, Sendable {
    case tor
    case malicious
    case commandAndControl
    case miningPool
    case blackhole

    /// The finding types this meaning drives (flow logs, CloudTrail, S3 data events).
    public var findingTypes: [FindingType] {
        switch self {
        case .tor:
            [
                .unauthorizedAccessEC2TorClient, .unauthorizedAccessEC2TorIPCaller, .reconIAMUserTorIPCaller, .unauthorizedAccessIAMUserTorIPCaller,
                .discoveryS3TorIPCaller, .unauthorizedAccessS3TorIPCaller,
            ]
        case .malicious:
            [
                .reconIAMUserMaliciousIPCaller, .unauthorizedAccessIAMUserMaliciousIPCaller, .discoveryS3MaliciousIPCaller,
                .exfiltrationS3MaliciousIPCaller, .impactS3MaliciousIPCaller,
            ]
        case .commandAndControl:
            [
                .backdoorEC2CCActivityB, .reconIAMUserMaliciousIPCaller, .unauthorizedAccessIAMUserMaliciousIPCaller, .discoveryS3MaliciousIPCaller,
                .exfiltrationS3MaliciousIPCaller, .impactS3MaliciousIPCaller,
            ]
        case .miningPool: [.cryptoCurrencyEC2BitcoinToolB]
        case .blackhole: [.trojanEC2BlackholeTraffic]
        }
    }
}
