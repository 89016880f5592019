import GuardDutyModel

/// UnauthorizedAccess:EC2/MaliciousIPCaller.Custom: an instance communicating with an address on one of the
/// detector's threat lists, whichever side opened the connection. A record that repeats a finding costs a key lookup
/// (see `FindingKey`): the finding's strings are built for its first record only.
final class FlowThreatListRule: FlowRule {
    let findingTypes: [FindingType] = [.unauthorizedAccessEC2MaliciousIPCallerCustom]

    func process(_ batch: FlowBatch, in context: RuleContext) {
        let flags = context.intelligence.answerFlags
        for view in batch.views where view.answer != 0 && flags[Int(view.answer)] & 1 != 0 {
            let inbound = !view.initiatedLocally
            let key = FindingKey(kind: .threatList, record: view.record.pointee, target: inbound, remote: view.remote)
            context.aggregator.add(key, time: view.record.pointee.start) {
                let lists = context.intelligence.verdicts[Int(view.answer)].threatLists
                let record = view.record.pointee
                let direction = inbound ? "inbound from" : "outbound with"
                return context.flowObservation(
                    .unauthorizedAccessEC2MaliciousIPCallerCustom, record: record, local: view.local, remote: view.remote, inbound: inbound,
                    localPort: view.localPort, remotePort: view.remotePort, key: "\(view.remote)",
                    description: "EC2 instance \(context.instanceName(record)) is communicating \(direction) \(view.remote), "
                        + "an IP address on the threat list \(lists.joined(separator: ", ")).",
                    evidence: RuleHit.evidence(lists: lists),
                    role: inbound ? "TARGET" : "ACTOR"
                )
            }
        }
    }
}
