import GuardDutyModel

/// The domain sources (managed feeds and `intel/dns-domains.tsv`): an instance querying a domain on a source of a
/// finding type (command and control, mining, phishing, drop points…) raises that type, citing the source.
final class BuiltInDomainRule: DNSRule {
    let findingTypes: [FindingType] = [
        .backdoorEC2CCActivityBDNS, .cryptoCurrencyEC2BitcoinToolBDNS, .trojanEC2DGADomainRequestCDNS, .trojanEC2DropPointDNS,
        .trojanEC2PhishingDomainRequestDNS, .trojanEC2BlackholeTrafficDNS, .trojanEC2DriveBySourceTrafficDNS,
        .impactEC2MaliciousDomainRequestReputation, .impactEC2SuspiciousDomainRequestReputation, .impactEC2AbusedDomainRequestReputation,
        .impactEC2BitcoinDomainRequestReputation,
    ]

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        guard let list = dns.builtInList else { return }
        let type = context.intelligence.builtInDomainTypes[list]
        let source = context.intelligence.builtInDomainSources[list]
        context.report(
            RuleHit(
                type: FindingType(type),
                description: "EC2 instance \(dns.instance) is querying \(dns.name), a domain on \(source) (\(type)).",
                evidence: RuleHit.evidence(lists: [source])
            ), on: query, dns)
    }
}
