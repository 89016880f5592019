import GuardDutyModel

/// Trojan:EC2/DGADomainRequest.B: an instance querying at least `dgaDomains` different random-looking names that do
/// not exist (NXDOMAIN) within `windowSeconds`, as malware using a domain generation algorithm does. The window slides
/// (see `DistinctNameSpans`), so a burst across a clock boundary is one burst and the order of the records does not
/// matter. A name counts when its registered domain's own label reads as random (`DNSExfiltration.looksGenerated`):
/// Chrome's random single-label probes (alone or with the search domains appended), CDN hash names, provider
/// endpoints and private zones do not.
final class DGADomainRule: DNSRule {
    let findingTypes: [FindingType] = [.trojanEC2DGADomainRequestB]

    /// One instance's queries.
    struct Key: Hashable {
        var instance: String
        var account: String
        var region: String
    }

    /// Each generated-looking name's first query per instance, until judged.
    var names = DistinctNameSpans<Key>(capacity: 4_096)

    var hasOpenWindows: Bool { !self.names.isEmpty }

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        guard query.rcode == "NXDOMAIN", DNSExfiltration.looksGenerated(dns.name) else { return }
        let key = Key(instance: dns.instance, account: dns.account, region: dns.region)
        if self.names.note(key, dns.name, at: query.time) { self.judge(key, before: query.time - context.thresholds.windowSeconds, in: context) }
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        for key in self.names.keys.sorted(by: { ($0.instance, $0.account, $0.region) < ($1.instance, $1.account, $1.region) }) {
            self.judge(key, before: watermark, in: context)
        }
    }

    func judge(_ key: Key, before watermark: Int64?, in context: RuleContext) {
        let length = context.thresholds.windowSeconds
        for span in self.names.judge(key, before: watermark, length: length, threshold: context.thresholds.dgaDomains) {
            let example = span.map(\.name).min() ?? ""
            let query = DNSQuery(
                time: span.first?.time ?? 0, accountId: key.account, region: key.region, queryName: example, queryType: nil, rcode: "NXDOMAIN",
                sourceAddress: nil, instanceId: key.instance == "unknown" ? nil : key.instance, vpcId: nil, transport: nil, answers: [])
            context.add(
                context.dnsObservation(
                    .trojanEC2DGADomainRequestB, query: query, name: example, instance: key.instance, account: key.account, region: key.region,
                    key: "dga",
                    description: "EC2 instance \(key.instance) queried \(span.count) random-looking domains that do not exist within "
                        + "\(length / 60) minutes, as malware using a domain generation algorithm does.",
                    evidence: nil, weight: span.count
                ))
        }
    }
}
