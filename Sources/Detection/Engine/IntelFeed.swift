import ThreatLists

/// A managed intelligence feed as detection uses it: its name, its kind and its parsed entries.
public struct IntelFeed: Sendable {
    public var name: String
    public var kind: FeedKind
    public var list: ParsedList

    public init(name: String, kind: FeedKind, list: ParsedList) {
        self.name = name
        self.kind = kind
        self.list = list
    }

    /// The feed's addresses, meaning what its kind says.
    public var addressSources: [AddressSource] {
        self.list.networks.isEmpty ? [] : [AddressSource(name: self.name, meaning: self.kind.addressMeaning, networks: self.list.networks)]
    }

    /// The feed's domains, raising its kind's finding type (none for Tor exit lists).
    public var domainSources: [DomainSource] {
        guard let type = self.kind.domainFindingType, !self.list.domains.isEmpty else { return [] }
        return [DomainSource(name: self.name, type: type.rawValue, domains: self.list.domains)]
    }
}
