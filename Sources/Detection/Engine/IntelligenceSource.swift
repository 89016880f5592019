import ThreatLists

/// A named source of addresses that all mean one thing: a managed feed pushed by the administrator
/// (`guardpost-admin intel`) or a built-in file of the intel directory. The name is what findings cite
/// (`evidence.threatIntelligenceDetails[].threatListName`, `additionalInfo.threatListName`).
public struct AddressSource: Sendable {
    public var name: String
    public var meaning: FeedAddressMeaning
    public var networks: [IPNetwork]

    public init(name: String, meaning: FeedAddressMeaning, networks: [IPNetwork]) {
        self.name = name
        self.meaning = meaning
        self.networks = networks
    }
}

/// A named source of domains that raise one finding type when an instance queries them (or their subdomains).
public struct DomainSource: Sendable {
    public var name: String
    /// A GuardDuty finding type (`Trojan:EC2/PhishingDomainRequest!DNS`, …).
    public var type: String
    public var domains: [String]

    public init(name: String, type: String, domains: [String]) {
        self.name = name
        self.type = type
        self.domains = domains
    }
}
