import GuardDutyModel

/// `<Tactic>:Kubernetes/MaliciousIPCaller.Custom`, `…/MaliciousIPCaller` and `…/TorIPCaller`: a Kubernetes API request
/// from a public address on one of the detector's threat lists, known to the built-in intelligence as malicious (a
/// malicious or C&C feed, `intel/malicious-ips.txt`), or a Tor exit node. The tactic follows the request
/// (`KubernetesTactic`). Requests the API server refused (401, 403) did nothing and are not reported: a public
/// endpoint is probed by the internet all day.
final class KubernetesCallerRule: KubernetesRule {
    let findingTypes: [FindingType] = KubernetesTactic.allCases.flatMap { [$0.maliciousIPCallerCustom, $0.maliciousIPCaller, $0.torIPCaller] }

    func process(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, in context: RuleContext) {
        guard let remote = audit.remote, !remote.isPrivateOrBogon, let verdict = audit.verdict, event.statusCode != 401, event.statusCode != 403
        else { return }
        let tactic = KubernetesTactic.of(event)
        let request = "\(event.who) called \(event.request) on the cluster \(audit.cluster), \(tactic.purpose), from \(remote)"
        if !verdict.threatLists.isEmpty {
            context.report(
                RuleHit(
                    type: tactic.maliciousIPCallerCustom,
                    description: "\(request), an IP address on the threat list \(verdict.threatLists.joined(separator: ", ")).",
                    evidence: RuleHit.evidence(lists: verdict.threatLists)),
                on: event, audit, subject: remote.description)
        }
        if let source = verdict.maliciousCaller {
            context.report(
                RuleHit(
                    type: tactic.maliciousIPCaller, description: "\(request), an IP address known to be malicious (\(source)).",
                    evidence: RuleHit.evidence(lists: [source])),
                on: event, audit, subject: remote.description)
        }
        if let source = verdict.tor {
            context.report(
                RuleHit(type: tactic.torIPCaller, description: "\(request), a Tor exit node.", evidence: RuleHit.evidence(lists: [source])),
                on: event, audit, subject: remote.description)
        }
    }
}
