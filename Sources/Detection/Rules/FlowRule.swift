import GuardDutyModel

/// A rule over VPC flow records, handed a batch at a time (one call per batch keeps dispatch off the per-record path).
protocol FlowRule: DetectionRule {
    func process(_ batch: FlowBatch, in context: RuleContext)
}
