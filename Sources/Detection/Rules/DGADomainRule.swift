import GuardDutyModel

/// Trojan:EC2/DGADomainRequest.B: an instance querying at least `dgaDomains` random-looking names that do not exist
/// (NXDOMAIN) in one window, as malware using a domain generation algorithm does.
final class DGADomainRule: DNSRule {
    let findingTypes: [FindingType] = [.trojanEC2DGADomainRequestB]

    /// One instance's queries in one window.
    struct Key: Hashable {
        var window: Int64
        var instance: String
        var account: String
        var region: String
    }

    /// The generated-looking names seen (up to 64) and the earliest query.
    struct Names {
        var names: Set<String>
        var first: Int64
    }

    var windows: [Key: Names] = [:]

    var hasOpenWindows: Bool { !self.windows.isEmpty }

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        guard query.rcode == "NXDOMAIN", DNSExfiltration.looksGenerated(dns.name) else { return }
        let key = Key(window: query.time / context.thresholds.windowSeconds, instance: dns.instance, account: dns.account, region: dns.region)
        var state = self.windows[key] ?? Names(names: [], first: query.time)
        if state.names.count < 64 { state.names.insert(dns.name) }
        state.first = min(state.first, query.time)
        self.windows[key] = state
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        let length = context.thresholds.windowSeconds
        let due = self.windows.filter { key, _ in watermark.map { (key.window + 1) * length <= $0 } ?? true }
        for key in due.keys { self.windows.removeValue(forKey: key) }
        for (key, value) in due where value.names.count >= context.thresholds.dgaDomains {
            let example = value.names.min()!
            let query = DNSQuery(
                time: value.first, accountId: key.account, region: key.region, queryName: example, queryType: nil, rcode: "NXDOMAIN",
                sourceAddress: nil, instanceId: key.instance == "unknown" ? nil : key.instance, vpcId: nil, transport: nil,
                answers: [])
            context.add(
                context.dnsObservation(
                    .trojanEC2DGADomainRequestB, query: query, name: example, instance: key.instance, account: key.account, region: key.region,
                    key: "dga",
                    description: "EC2 instance \(key.instance) queried \(value.names.count) or more random-looking domains that do not exist in "
                        + "\(length / 60) minutes, as malware using a domain generation algorithm does.",
                    evidence: nil, weight: value.names.count
                ))
        }
    }
}
