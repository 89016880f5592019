import GuardDutyModel

/// MaliciousIPCaller: an API called from an address Guardpost's built-in intelligence knows to be malicious (a
/// malicious-ip, malicious-domain, phishing-domain or c2 feed, or `intel/malicious-ips.txt`):
/// Recon:IAMUser or UnauthorizedAccess:IAMUser for management events; for S3 data events the purpose follows the API
/// (Discovery, Exfiltration, Impact). The finding cites the feed that matched.
final class MaliciousIPCallerRule: CloudTrailRule {
    let findingTypes: [FindingType] = [
        .reconIAMUserMaliciousIPCaller, .unauthorizedAccessIAMUserMaliciousIPCaller, .discoveryS3MaliciousIPCaller,
        .exfiltrationS3MaliciousIPCaller, .impactS3MaliciousIPCaller,
    ]

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard let remote = trail.remote, !remote.isPrivateOrBogon, let source = trail.verdict?.maliciousCaller else { return }
        let known = "\(remote), an IP address known to be malicious (\(source))."
        guard trail.isS3Data else {
            context.report(
                RuleHit(
                    type: event.isRecon ? .reconIAMUserMaliciousIPCaller : .unauthorizedAccessIAMUserMaliciousIPCaller,
                    description: "The API \(event.eventName) was invoked by \(event.who()) from \(known)",
                    evidence: RuleHit.evidence(lists: [source])
                ), on: event, trail)
            return
        }
        let type: FindingType
        switch S3Purpose.of(event.eventName) {
        case .discovery: type = .discoveryS3MaliciousIPCaller
        case .exfiltration: type = .exfiltrationS3MaliciousIPCaller
        case .impact: type = .impactS3MaliciousIPCaller
        }
        context.report(
            RuleHit(
                type: type,
                description: "The S3 API \(event.eventName) on \(event.bucketName ?? "an unknown bucket") was invoked by "
                    + "\(event.who(otherwise: "an anonymous caller")) from \(known)",
                evidence: RuleHit.evidence(lists: [source])
            ), on: event, trail)
    }
}
