import GuardDutyModel

/// Built-in address intelligence on flow records: the instance connecting to Tor relays (UnauthorizedAccess:EC2/TorClient)
/// or Tor exit nodes connecting to it (UnauthorizedAccess:EC2/TorIPCaller), cryptocurrency mining pools
/// (CryptoCurrency:EC2/BitcoinTool.B) and — the instance reaching out — black holes (Trojan:EC2/BlackholeTraffic).
final class FlowBuiltInAddressRule: FlowRule {
    let findingTypes: [FindingType] = [
        .unauthorizedAccessEC2TorClient, .unauthorizedAccessEC2TorIPCaller, .cryptoCurrencyEC2BitcoinToolB, .trojanEC2BlackholeTraffic,
    ]

    func process(_ batch: FlowBatch, in context: RuleContext) {
        for view in batch.views where view.answer != 0 {
            let verdict = context.intelligence.verdicts[Int(view.answer)]
            var hits: [(type: FindingType, what: String)] = []
            if verdict.tor {
                hits.append(view.inbound ? (.unauthorizedAccessEC2TorIPCaller, "a Tor exit node") : (.unauthorizedAccessEC2TorClient, "a Tor relay"))
            }
            if verdict.miningPool { hits.append((.cryptoCurrencyEC2BitcoinToolB, "a cryptocurrency mining pool")) }
            if !view.inbound && verdict.blackhole {
                hits.append((.trojanEC2BlackholeTraffic, "a black-holed address (a sinkhole of known-malicious infrastructure)"))
            }
            guard !hits.isEmpty else { continue }
            let record = view.record.pointee
            let direction = view.inbound ? "inbound from" : "outbound with"
            for hit in hits {
                context.add(
                    context.flowObservation(
                        hit.type, record: record, local: view.local, remote: view.remote, inbound: view.inbound, localPort: view.localPort,
                        remotePort: view.remotePort, key: "\(view.remote)",
                        description: "EC2 instance \(context.instanceName(record)) is communicating \(direction) \(view.remote), \(hit.what).",
                        role: view.inbound ? "TARGET" : "ACTOR"
                    ))
            }
        }
    }
}
