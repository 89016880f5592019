import GuardDutyModel

/// UnauthorizedAccess:EC2/MaliciousIPCaller.Custom: an instance communicating with an address on one of the
/// detector's threat lists, whichever side opened the connection.
final class FlowThreatListRule: FlowRule {
    let findingTypes: [FindingType] = [.unauthorizedAccessEC2MaliciousIPCallerCustom]

    func process(_ batch: FlowBatch, in context: RuleContext) {
        for view in batch.views where view.answer != 0 {
            let lists = context.intelligence.verdicts[Int(view.answer)].threatLists
            guard !lists.isEmpty else { continue }
            let record = view.record.pointee
            let inbound = !view.initiatedLocally
            let direction = inbound ? "inbound from" : "outbound with"
            context.add(
                context.flowObservation(
                    .unauthorizedAccessEC2MaliciousIPCallerCustom, record: record, local: view.local, remote: view.remote, inbound: inbound,
                    localPort: view.localPort, remotePort: view.remotePort, key: "\(view.remote)",
                    description: "EC2 instance \(context.instanceName(record)) is communicating \(direction) \(view.remote), "
                        + "an IP address on the threat list \(lists.joined(separator: ", ")).",
                    evidence: RuleHit.evidence(lists: lists),
                    role: inbound ? "TARGET" : "ACTOR"
                ))
        }
    }
}
