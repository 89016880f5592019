import GuardDutyModel

/// Policy:IAMUser/RootCredentialUsage: a successful API call made with the root user's credentials (not by an AWS
/// service on its behalf).
final class RootCredentialUsageRule: CloudTrailRule {
    let findingTypes: [FindingType] = [.policyIAMUserRootCredentialUsage]

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard !trail.isS3Data, event.identityType == "Root", event.invokedBy == nil, event.eventType != "AwsServiceEvent", trail.succeeded
        else { return }
        context.report(
            RuleHit(
                type: .policyIAMUserRootCredentialUsage,
                description: "The API \(event.eventName) was invoked using root credentials from \(event.sourceIPAddress ?? "an unknown address")."
            ), on: event, trail)
    }
}
