import GuardDutyModel

/// What the DNS rules share to turn a hit into an observation.
extension RuleContext {
    func dnsObservation(
        _ type: FindingType, query: DNSQuery, name: String, instance: String, account: String, region: String, key: String,
        description: String, evidence: Finding.Evidence?, time: Int64? = nil, weight: Int = 1
    ) -> Observation {
        Observation(
            type: type, key: "\(instance)|\(key)", time: time ?? query.time, accountId: account, region: region,
            resource: Finding.Resource(resourceType: "Instance", instanceDetails: Finding.InstanceDetails(instanceId: query.instanceId)),
            resourceRole: "ACTOR", action: .dns(Finding.DnsRequestAction(domain: name, protocolName: query.transport ?? "UDP", blocked: false)),
            evidence: evidence, description: description, weight: weight
        )
    }

    /// Adds a rule's hit on one query, keyed by the queried name.
    func report(_ hit: RuleHit, on query: DNSQuery, _ dns: DNSContext) {
        self.add(
            self.dnsObservation(
                hit.type, query: query, name: dns.name, instance: dns.instance, account: dns.account, region: dns.region,
                key: dns.name, description: hit.description, evidence: hit.evidence))
    }
}
