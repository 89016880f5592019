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
        for view in batch.views where view.answer != 0 {
            let verdict = context.intelligence.verdicts[Int(view.answer)]
            let outgoing = view.initiatedLocally
            var hits: [(type: FindingType, what: String, source: String)] = []
            if let source = verdict.tor {
                if outgoing {
                    hits.append((.unauthorizedAccessEC2TorClient, "a Tor relay", source))
                } else if !Self.websitePorts.contains(view.localPort) {
                    hits.append((.unauthorizedAccessEC2TorIPCaller, "a Tor exit node", source))
                }
            }
            if outgoing, let source = verdict.miningPool { hits.append((.cryptoCurrencyEC2BitcoinToolB, "a cryptocurrency mining pool", source)) }
            if outgoing, let source = verdict.blackhole {
                hits.append((.trojanEC2BlackholeTraffic, "a black-holed address (a sinkhole of known-malicious infrastructure)", source))
            }
            if outgoing, let source = verdict.commandAndControl {
                hits.append((.backdoorEC2CCActivityB, "a known command-and-control server", source))
            }
            guard !hits.isEmpty else { continue }
            let record = view.record.pointee
            let direction = outgoing ? "opened a connection to" : "received a connection from"
            for hit in hits {
                context.add(
                    context.flowObservation(
                        hit.type, record: record, local: view.local, remote: view.remote, inbound: !outgoing, localPort: view.localPort,
                        remotePort: view.remotePort, key: hit.type.rawValue,
                        description: "EC2 instance \(context.instanceName(record)) \(direction) \(view.remote), \(hit.what) (\(hit.source)).",
                        evidence: RuleHit.evidence(lists: [hit.source]), role: outgoing ? "ACTOR" : "TARGET"
                    ))
            }
        }
    }
}
