import GuardDutyModel

/// Trojan:EC2/DNSDataExfiltration: an instance querying at least `exfiltrationQueries` DIFFERENT names with long,
/// high-entropy labels under one registered domain within `windowSeconds` (see `DNSExfiltration`): data leaving in
/// pieces. The window slides (it starts at any name's first query, whatever the clock says), and a span is judged once
/// the watermark has passed its end, so the findings do not depend on the order of the records. The same name asked
/// again and again (a service's endpoint every minute) is one name, and the clouds' and CDNs' own endpoint names,
/// reverse lookups and private zones are never candidates.
final class DNSDataExfiltrationRule: DNSRule {
    let findingTypes: [FindingType] = [.trojanEC2DNSDataExfiltration]

    /// One instance's queries under one domain.
    struct Key: Hashable {
        var instance: String
        var domain: String
        var account: String
        var region: String
    }

    /// Each name's first query per instance and domain, until judged (at most 4,096 names each: far above the threshold).
    var names = DistinctNameSpans<Key>(capacity: 4_096)

    var hasOpenWindows: Bool { !self.names.isEmpty }

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        let name = dns.name
        guard DNSExfiltration.looksLikeExfiltration(name) else { return }
        let key = Key(instance: dns.instance, domain: DNSExfiltration.registeredDomain(name), account: dns.account, region: dns.region)
        if self.names.note(key, name, at: query.time) { self.judge(key, before: query.time - context.thresholds.windowSeconds, in: context) }
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        for key in self.names.keys.sorted(by: { ($0.instance, $0.domain, $0.account) < ($1.instance, $1.domain, $1.account) }) {
            self.judge(key, before: watermark, in: context)
        }
    }

    func judge(_ key: Key, before watermark: Int64?, in context: RuleContext) {
        let thresholds = context.thresholds
        for span in self.names.judge(key, before: watermark, length: thresholds.windowSeconds, threshold: thresholds.exfiltrationQueries) {
            self.report(key, span, in: context)
        }
    }

    func report(_ key: Key, _ span: [(time: Int64, name: String)], in context: RuleContext) {
        let example = span.map(\.name).min() ?? key.domain
        let first = span.first?.time ?? 0
        let query = DNSQuery(
            time: first, accountId: key.account, region: key.region, queryName: example, queryType: nil, rcode: nil, sourceAddress: nil,
            instanceId: key.instance == "unknown" ? nil : key.instance, vpcId: nil, transport: nil, answers: [])
        context.add(
            context.dnsObservation(
                .trojanEC2DNSDataExfiltration, query: query, name: example, instance: key.instance, account: key.account, region: key.region,
                key: key.domain,
                description: "EC2 instance \(key.instance) queried \(span.count) different names with long, high-entropy labels under "
                    + "\(key.domain) within \(context.thresholds.windowSeconds / 60) minutes, a pattern of data exfiltration through DNS.",
                evidence: nil, weight: span.count
            ))
    }
}
