import GuardDutyModel

/// Trojan:EC2/DNSDataExfiltration: an instance sending at least `exfiltrationQueries` queries with long, high-entropy
/// labels under one registered domain in one window (see `DNSExfiltration`).
final class DNSDataExfiltrationRule: DNSRule {
    let findingTypes: [FindingType] = [.trojanEC2DNSDataExfiltration]

    /// One instance's queries under one domain in one window.
    struct Key: Hashable {
        var window: Int64
        var instance: String
        var domain: String
        var account: String
        var region: String
    }

    /// How many queries, the earliest, and the smallest name as the example.
    struct Count {
        var count: Int
        var first: Int64
        var example: String
    }

    var windows: [Key: Count] = [:]

    var hasOpenWindows: Bool { !self.windows.isEmpty }

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        let name = dns.name
        guard DNSExfiltration.looksLikeExfiltration(name) else { return }
        let time = query.time
        let key = Key(
            window: time / context.thresholds.windowSeconds, instance: dns.instance, domain: DNSExfiltration.registeredDomain(name),
            account: dns.account, region: dns.region)
        let current = self.windows[key]
        self.windows[key] = Count(
            count: (current?.count ?? 0) + 1, first: min(current?.first ?? time, time),
            example: min(current?.example ?? name, name))
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        let length = context.thresholds.windowSeconds
        let due = self.windows.filter { key, _ in watermark.map { (key.window + 1) * length <= $0 } ?? true }
        for key in due.keys { self.windows.removeValue(forKey: key) }
        for (key, value) in due where value.count >= context.thresholds.exfiltrationQueries {
            let query = DNSQuery(
                time: value.first, accountId: key.account, region: key.region, queryName: value.example, queryType: nil, rcode: nil,
                sourceAddress: nil, instanceId: key.instance == "unknown" ? nil : key.instance, vpcId: nil, transport: nil,
                answers: [])
            context.add(
                context.dnsObservation(
                    .trojanEC2DNSDataExfiltration, query: query, name: value.example, instance: key.instance, account: key.account,
                    region: key.region,
                    key: key.domain,
                    description: "EC2 instance \(key.instance) sent \(value.count) DNS queries with long, high-entropy labels under \(key.domain) in "
                        + "\(length / 60) minutes, a pattern of data exfiltration through DNS.",
                    evidence: nil, weight: value.count
                ))
        }
    }
}
