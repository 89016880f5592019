import GuardDutyModel

/// Stealth:IAMUser/CloudTrailLoggingDisabled: StopLogging or DeleteTrail. An attempt counts too (the error is in the
/// action): turning the trail off is what an intruder does first.
final class CloudTrailLoggingDisabledRule: CloudTrailRule {
    let findingTypes: [FindingType] = [.stealthIAMUserCloudTrailLoggingDisabled]

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard !trail.isS3Data, event.eventSource == "cloudtrail.amazonaws.com", ["StopLogging", "DeleteTrail"].contains(event.eventName) else {
            return
        }
        let who = event.who()
        context.report(
            RuleHit(
                type: .stealthIAMUserCloudTrailLoggingDisabled,
                description: event.errorCode.map {
                    "\(who) attempted to disable AWS CloudTrail logging (\(event.eventName), which failed with \($0))."
                }
                    ?? "AWS CloudTrail logging was disabled by \(who) (\(event.eventName))."
            ), on: event, trail)
    }
}
