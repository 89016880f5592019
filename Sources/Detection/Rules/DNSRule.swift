import GuardDutyModel

/// A rule over Route 53 resolver (DNS) queries.
protocol DNSRule: DetectionRule {
    func process(_ query: DNSContext, in context: RuleContext)
}
