import GuardDutyModel

/// UnauthorizedAccess:EC2/MetadataDNSRebind: a public name resolving to the instance metadata service's address. The
/// names that are the metadata service's own (`instance-data`, `instance-data.ec2.internal`, names in private zones
/// such as `.internal`, GCP's `metadata.google.internal`) resolve there by design and are not it.
final class MetadataDNSRebindRule: DNSRule {
    let findingTypes: [FindingType] = [.unauthorizedAccessEC2MetadataDNSRebind]

    /// The addresses of the metadata service (IPv4 and the Nitro IPv6 endpoint).
    static let metadataAddresses: Set<String> = ["169.254.169.254", "fd00:ec2::254"]

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        guard query.answers.contains(where: { Self.metadataAddresses.contains($0) }), !Self.isMetadataServiceName(dns.name) else { return }
        context.report(
            RuleHit(
                type: .unauthorizedAccessEC2MetadataDNSRebind,
                description: "EC2 instance \(dns.instance) resolved \(dns.name) to the instance metadata service address."
            ), on: query, dns)
    }
}

extension MetadataDNSRebindRule {
    /// A name that is the metadata service's by design: a single label (`instance-data`, resolved through the search
    /// domains) or a name in a private zone.
    static func isMetadataServiceName(_ name: String) -> Bool {
        guard name.contains(".") else { return true }
        let last = name.split(separator: ".").last ?? ""
        return ["internal", "local", "localdomain", "lan", "localhost"].contains(last)
    }
}
