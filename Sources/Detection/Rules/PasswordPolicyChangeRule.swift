import GuardDutyModel

/// Stealth:IAMUser/PasswordPolicyChange: the account password policy updated or deleted.
final class PasswordPolicyChangeRule: CloudTrailRule {
    let findingTypes: [FindingType] = [.stealthIAMUserPasswordPolicyChange]

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard !trail.isS3Data, event.eventSource == "iam.amazonaws.com",
            ["UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy"].contains(event.eventName), trail.succeeded
        else { return }
        context.report(
            RuleHit(
                type: .stealthIAMUserPasswordPolicyChange,
                description: "The account password policy was changed by \(event.who()) (\(event.eventName))."
            ), on: event, trail)
    }
}
