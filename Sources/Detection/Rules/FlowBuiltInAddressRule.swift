import GuardDutyModel

/// Built-in address intelligence on flow records, by who opened the connection:
/// - the instance connecting to a Tor relay: UnauthorizedAccess:EC2/TorClient (High);
/// - a Tor exit node connecting to the instance: UnauthorizedAccess:EC2/TorIPCaller (Medium) — except on the ports of a
///   public website (80, 443, 8080, 8443), where Tor Browser users are visitors like any other;
/// - the instance connecting to a cryptocurrency mining pool: CryptoCurrency:EC2/BitcoinTool.B;
/// - the instance connecting to a black-holed address: Trojan:EC2/BlackholeTraffic;
/// - the instance connecting to a known command-and-control server: Backdoor:EC2/C&CActivity.B.
/// One finding per instance and type (each further connection counts in it), not one per relay or pool address; each
/// cites the feed or built-in file that named the address.
final class FlowBuiltInAddressRule: FlowRule {
    let findingTypes: [FindingType] = [
        .unauthorizedAccessEC2TorClient, .unauthorizedAccessEC2TorIPCaller, .cryptoCurrencyEC2BitcoinToolB, .trojanEC2BlackholeTraffic,
        .backdoorEC2CCActivityB,
    ]

    /// Ports a public website answers on: Tor exits reaching them are the site's visitors.
    static let websitePorts: Set<Int> = [80, 443, 8080, 8443]

    func process(_ batch: FlowBatch, in context: RuleContext) {
        let flags = context.intelligence.answerFlags
        for view in batch.views where view.answer != 0 && flags[Int(view.answer)] & 2 != 0 {
            let verdict = context.intelligence.verdicts[Int(view.answer)]
            let outgoing = view.initiatedLocally
            if let source = verdict.tor {
                if outgoing {
                    Self.add(.unauthorizedAccessEC2TorClient, .torClient, "a Tor relay", source, view, in: context)
                } else if !Self.websitePorts.contains(view.localPort) {
                    Self.add(.unauthorizedAccessEC2TorIPCaller, .torIPCaller, "a Tor exit node", source, view, in: context)
                }
            }
            guard outgoing else { continue }
            if let source = verdict.miningPool {
                Self.add(.cryptoCurrencyEC2BitcoinToolB, .miningPool, "a cryptocurrency mining pool", source, view, in: context)
            }
            if let source = verdict.blackhole {
                Self.add(
                    .trojanEC2BlackholeTraffic, .blackhole, "a black-holed address (a sinkhole of known-malicious infrastructure)", source, view,
                    in: context)
            }
            if let source = verdict.commandAndControl {
                Self.add(.backdoorEC2CCActivityB, .commandAndControl, "a known command-and-control server", source, view, in: context)
            }
        }
    }

    /// One hit: a repeat for the instance costs a key lookup; the strings are built for the finding's first record.
    private static func add(
        _ type: FindingType, _ kind: FindingKey.Kind, _ what: String, _ source: String, _ view: FlowView, in context: RuleContext
    ) {
        let outgoing = view.initiatedLocally
        let key = FindingKey(kind: kind, record: view.record.pointee, target: !outgoing)
        context.aggregator.add(key, time: view.record.pointee.start) {
            let record = view.record.pointee
            let direction = outgoing ? "opened a connection to" : "received a connection from"
            return context.flowObservation(
                type, record: record, local: view.local, remote: view.remote, inbound: !outgoing, localPort: view.localPort,
                remotePort: view.remotePort, key: type.rawValue,
                description: "EC2 instance \(context.instanceName(record)) \(direction) \(view.remote), \(what) (\(source)).",
                evidence: RuleHit.evidence(lists: [source]), role: outgoing ? "ACTOR" : "TARGET"
            )
        }
    }
}
