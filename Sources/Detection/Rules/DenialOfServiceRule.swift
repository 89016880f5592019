import GuardDutyModel
import ThreatLists

/// Backdoor:EC2/DenialOfService.*: an instance sending at least `denialOfServicePacketsPerMinute` packets to one
/// remote address and port in one minute; the variant follows the protocol and port.
final class DenialOfServiceRule: FlowRule {
    let findingTypes: [FindingType] = [
        .backdoorEC2DenialOfServiceDns, .backdoorEC2DenialOfServiceUdpOnTcpPorts, .backdoorEC2DenialOfServiceUdp,
        .backdoorEC2DenialOfServiceTcp, .backdoorEC2DenialOfServiceUnusualProtocol,
    ]

    /// One minute of one instance's traffic to one remote address and port.
    struct Flood: Hashable {
        var minute: Int64
        var interface: Int
        var local: IPAddress
        var remote: IPAddress
        var protocolNumber: Int
        var port: Int
    }

    /// What a flood has counted: its packets, its earliest record and the account.
    struct Count {
        var packets: Int
        var first: Int64
        var account: Int
    }

    var floods: [Flood: Count] = [:]

    var hasOpenWindows: Bool { !self.floods.isEmpty }

    func process(_ batch: FlowBatch, in context: RuleContext) {
        for view in batch.views where !view.inbound && view.record.pointee.packets >= 1_000 {
            let record = view.record
            let start = record.pointee.start
            let flood = Flood(
                minute: start / 60, interface: record.pointee.interfaceId, local: view.local, remote: view.remote,
                protocolNumber: record.pointee.protocolNumber, port: record.pointee.destinationPort)
            let current = self.floods[flood]
            // Packets from logs saturate: a few records with 18-digit counts must not trap.
            self.floods[flood] = Count(
                packets: (current?.packets ?? 0).addingClamped(record.pointee.packets),
                first: min(current?.first ?? start, start), account: record.pointee.accountId)
        }
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        let closed = self.floods.filter { key, _ in watermark.map { (key.minute + 1) * 60 <= $0 } ?? true }
        for key in closed.keys { self.floods.removeValue(forKey: key) }
        for (key, value) in closed where value.packets >= context.thresholds.denialOfServicePacketsPerMinute {
            let type: FindingType
            switch (key.protocolNumber, key.port) {
            case (17, 53): type = .backdoorEC2DenialOfServiceDns
            case (17, 80), (17, 443): type = .backdoorEC2DenialOfServiceUdpOnTcpPorts
            case (17, _): type = .backdoorEC2DenialOfServiceUdp
            case (6, _): type = .backdoorEC2DenialOfServiceTcp
            default: type = .backdoorEC2DenialOfServiceUnusualProtocol
            }
            let record = FlowRecord(
                accountId: value.account, interfaceId: key.interface, source: nil, destination: nil, sourcePort: 0,
                destinationPort: key.port, protocolNumber: key.protocolNumber, packets: value.packets, bytes: 0,
                start: value.first, end: value.first, accepted: true, instanceId: 0)
            context.add(
                context.flowObservation(
                    type, record: record, local: key.local, remote: key.remote, inbound: false, localPort: 0, remotePort: key.port,
                    key: "\(key.remote)",
                    description: "\(key.local) sent \(value.packets) \(RuleContext.protocolName(key.protocolNumber)) packets to \(key.remote) "
                        + "in one minute.",
                    role: "ACTOR"
                ))
        }
    }
}
