import GuardDutyModel

/// TorIPCaller: an API called from a Tor exit node — Recon:IAMUser or UnauthorizedAccess:IAMUser for management
/// events, Discovery:S3 or UnauthorizedAccess:S3 for S3 data events.
final class TorCallerRule: CloudTrailRule {
    let findingTypes: [FindingType] = [
        .reconIAMUserTorIPCaller, .unauthorizedAccessIAMUserTorIPCaller, .discoveryS3TorIPCaller, .unauthorizedAccessS3TorIPCaller,
    ]

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard let remote = trail.remote, let source = trail.verdict?.tor else { return }
        if trail.isS3Data {
            guard !remote.isPrivateOrBogon else { return }
            let discovery = S3Purpose.of(event.eventName) == .discovery
            context.report(
                RuleHit(
                    type: discovery ? .discoveryS3TorIPCaller : .unauthorizedAccessS3TorIPCaller,
                    description: "The S3 API \(event.eventName) on \(event.bucketName ?? "an unknown bucket") was invoked by "
                        + "\(event.who(otherwise: "an anonymous caller")) from \(remote), a Tor exit node.",
                    evidence: RuleHit.evidence(lists: [source])
                ), on: event, trail)
        } else {
            context.report(
                RuleHit(
                    type: event.isRecon ? .reconIAMUserTorIPCaller : .unauthorizedAccessIAMUserTorIPCaller,
                    description: "The API \(event.eventName) was invoked by \(event.who()) from \(remote), a Tor exit node.",
                    evidence: RuleHit.evidence(lists: [source])
                ), on: event, trail)
        }
    }
}
