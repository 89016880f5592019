import GuardDutyModel

/// `<Purpose>:S3/MaliciousIPCaller`: an S3 data event from an address Guardpost's own intelligence knows to be
/// malicious (`intel/malicious-ips.txt`); the purpose follows the API (Discovery, Exfiltration, Impact).
final class S3MaliciousIPCallerRule: CloudTrailRule {
    let findingTypes: [FindingType] = [.discoveryS3MaliciousIPCaller, .exfiltrationS3MaliciousIPCaller, .impactS3MaliciousIPCaller]

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard trail.isS3Data, let remote = trail.remote, !remote.isPrivateOrBogon, trail.verdict?.malicious == true else { return }
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
                    + "\(event.who(otherwise: "an anonymous caller")) from \(remote), an IP address known to be malicious."
            ), on: event, trail)
    }
}
