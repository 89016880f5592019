import GuardDutyModel

/// UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS: instance-role credentials (ASIA…, a session
/// named after the instance) used from a public address.
final class InstanceCredentialExfiltrationRule: CloudTrailRule {
    let findingTypes: [FindingType] = [
        .unauthorizedAccessIAMUserInstanceCredentialExfiltrationOutsideAWS, .unauthorizedAccessIAMUserInstanceCredentialExfiltrationInsideAWS,
    ]

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard !trail.isS3Data, let remote = trail.remote, event.identityType == "AssumedRole", let arn = event.identityArn,
            let session = arn.split(separator: "/").last, session.hasPrefix("i-"), event.accessKeyId?.hasPrefix("ASIA") == true,
            !remote.isPrivateOrBogon, event.invokedBy == nil
        else { return }
        context.report(
            RuleHit(
                type: .unauthorizedAccessIAMUserInstanceCredentialExfiltrationOutsideAWS,
                description:
                    "Credentials created for EC2 instance \(session) through its launch role were used from the external IP address \(remote) "
                    + "(\(event.eventName))."
            ), on: event, trail)
    }
}
