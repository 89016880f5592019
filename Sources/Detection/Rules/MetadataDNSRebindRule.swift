import GuardDutyModel

/// UnauthorizedAccess:EC2/MetadataDNSRebind: a name resolving to the instance metadata service's address.
final class MetadataDNSRebindRule: DNSRule {
    let findingTypes: [FindingType] = [.unauthorizedAccessEC2MetadataDNSRebind]

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        guard query.answers.contains(where: { $0.hasPrefix("169.254.169.254") || $0 == "fd00:ec2::254" }) else { return }
        context.report(
            RuleHit(
                type: .unauthorizedAccessEC2MetadataDNSRebind,
                description: "EC2 instance \(dns.instance) resolved \(dns.name) to the instance metadata service address."
            ), on: query, dns)
    }
}
