import GuardDutyModel

/// A rule over CloudTrail events (management events, and S3 data events while S3 Protection is on).
protocol CloudTrailRule: DetectionRule {
    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext)
}
