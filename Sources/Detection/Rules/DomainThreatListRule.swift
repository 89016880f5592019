import GuardDutyModel

/// Impact:EC2/MaliciousDomainRequest.Custom: an instance querying a domain on one of the detector's threat lists.
final class DomainThreatListRule: DNSRule {
    let findingTypes: [FindingType] = [.impactEC2MaliciousDomainRequestCustom]

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        let lists = dns.threatLists
        guard !lists.isEmpty else { return }
        context.report(
            RuleHit(
                type: .impactEC2MaliciousDomainRequestCustom,
                description: "EC2 instance \(dns.instance) is querying \(dns.name), a domain on the threat list \(lists.joined(separator: ", ")).",
                evidence: RuleHit.evidence(lists: lists)
            ), on: query, dns)
    }
}
