import GuardDutyModel

/// MaliciousIPCaller.Custom: an API called from an address on one of the detector's threat lists — Recon:IAMUser or
/// UnauthorizedAccess:IAMUser for management events, Discovery:S3 or UnauthorizedAccess:S3 for S3 data events.
final class ThreatListCallerRule: CloudTrailRule {
    let findingTypes: [FindingType] = [
        .reconIAMUserMaliciousIPCallerCustom, .unauthorizedAccessIAMUserMaliciousIPCallerCustom,
        .discoveryS3MaliciousIPCallerCustom, .unauthorizedAccessS3MaliciousIPCallerCustom,
    ]

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard let remote = trail.remote, let lists = trail.verdict?.threatLists, !lists.isEmpty else { return }
        let onLists = "\(remote), an IP address on the threat list \(lists.joined(separator: ", "))."
        if trail.isS3Data {
            guard !remote.isPrivateOrBogon else { return }
            let discovery = S3Purpose.of(event.eventName) == .discovery
            context.report(
                RuleHit(
                    type: discovery ? .discoveryS3MaliciousIPCallerCustom : .unauthorizedAccessS3MaliciousIPCallerCustom,
                    description: "The S3 API \(event.eventName) on \(event.bucketName ?? "an unknown bucket") was invoked by "
                        + "\(event.who(otherwise: "an anonymous caller")) from \(onLists)",
                    evidence: RuleHit.evidence(lists: lists)
                ), on: event, trail)
        } else {
            context.report(
                RuleHit(
                    type: event.isRecon ? .reconIAMUserMaliciousIPCallerCustom : .unauthorizedAccessIAMUserMaliciousIPCallerCustom,
                    description: "The API \(event.eventName) was invoked by \(event.who()) from \(onLists)",
                    evidence: RuleHit.evidence(lists: lists)
                ), on: event, trail)
        }
    }
}
