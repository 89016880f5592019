import GuardDutyModel

/// Trojan:EC2/DNSDataExfiltration: an instance querying at least `exfiltrationQueries` DIFFERENT names with long,
/// high-entropy labels under one registered domain in one window (see `DNSExfiltration`): data leaving in pieces. The
/// same name asked again and again (a service's endpoint every minute) is one name, and the clouds' and CDNs' own
/// endpoint names, reverse lookups and private zones are never candidates.
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

    /// The different names (up to `maximumNames`), the earliest query, and the smallest name as the example.
    struct Names {
        var names: Set<String>
        var first: Int64
        var example: String
    }

    /// The most names kept per window (far above the threshold; a window's state stays bounded).
    static let maximumNames = 1_024

    var windows: [Key: Names] = [:]

    var hasOpenWindows: Bool { !self.windows.isEmpty }

    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext) {
        let name = dns.name
        guard DNSExfiltration.looksLikeExfiltration(name) else { return }
        let time = query.time
        let key = Key(
            window: time / context.thresholds.windowSeconds, instance: dns.instance, domain: DNSExfiltration.registeredDomain(name),
            account: dns.account, region: dns.region)
        var state = self.windows[key] ?? Names(names: [], first: time, example: name)
        if state.names.count < Self.maximumNames { state.names.insert(name) }
        state.first = min(state.first, time)
        state.example = min(state.example, name)
        self.windows[key] = state
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        let length = context.thresholds.windowSeconds
        let due = self.windows.filter { key, _ in watermark.map { (key.window + 1) * length <= $0 } ?? true }
        for key in due.keys { self.windows.removeValue(forKey: key) }
        for (key, value) in due where value.names.count >= context.thresholds.exfiltrationQueries {
            let query = DNSQuery(
                time: value.first, accountId: key.account, region: key.region, queryName: value.example, queryType: nil, rcode: nil,
                sourceAddress: nil, instanceId: key.instance == "unknown" ? nil : key.instance, vpcId: nil, transport: nil,
                answers: [])
            context.add(
                context.dnsObservation(
                    .trojanEC2DNSDataExfiltration, query: query, name: value.example, instance: key.instance, account: key.account,
                    region: key.region,
                    key: key.domain,
                    description: "EC2 instance \(key.instance) queried \(value.names.count) different names with long, high-entropy labels under "
                        + "\(key.domain) in \(length / 60) minutes, a pattern of data exfiltration through DNS.",
                    evidence: nil, weight: value.names.count
                ))
        }
    }
}
