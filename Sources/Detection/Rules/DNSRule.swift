import GuardDutyModel

/// A rule over Route 53 resolver (DNS) queries.
protocol DNSRule: DetectionRule {
    func process(_ query: DNSQuery, _ dns: DNSContext, in context: RuleContext)
}
