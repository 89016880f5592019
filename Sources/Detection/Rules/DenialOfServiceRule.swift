import GuardDutyModel
import ThreatLists

/// Backdoor:EC2/DenialOfService.*: an instance sending at least `denialOfServicePacketsPerMinute` packets to one
/// remote address and port within any sliding minute, on connections it opened, in small packets (at most
/// `denialOfServiceBytesPerPacket` on average: a bulk transfer such as a backup sends full-size packets); the variant
/// follows the protocol and port.
///
/// Every record of at least `floodRecordPackets` counts, whatever its size (a flood spread over many records of a
/// few hundred packets is as large as one record of a million): its packets are spread evenly over the 10-second
/// slots its interval covers, so a record aggregated over ten minutes is not taken for a one-minute burst, and the
/// slots are summed over every run of six — a flood straddling hh:mm:00 is counted whole.
final class DenialOfServiceRule: FlowRule {
    let findingTypes: [FindingType] = [
        .backdoorEC2DenialOfServiceDns, .backdoorEC2DenialOfServiceUdpOnTcpPorts, .backdoorEC2DenialOfServiceUdp,
        .backdoorEC2DenialOfServiceTcp, .backdoorEC2DenialOfServiceUnusualProtocol,
    ]

    /// One instance's traffic to one remote address and port.
    struct Target: Hashable {
        var interface: Int
        var local: IPAddress
        var remote: IPAddress
        var protocolNumber: Int
        var port: Int
    }

    /// A target's traffic in one 10-second slot.
    struct Slot: Hashable {
        var target: Target
        var slot: Int64
    }

    /// What a slot has counted, and the account.
    struct Count {
        var packets: Int
        var bytes: Int
        var account: Int
    }

    static let slotSeconds: Int64 = 10
    /// Records with fewer packets are not looked at (an ordinary connection's; a flood's records are larger).
    static let floodRecordPackets = 20

    var slots: [Slot: Count] = [:]

    var hasOpenWindows: Bool { !self.slots.isEmpty }

    func process(_ batch: FlowBatch, in context: RuleContext) {
        var advancedTo: Int64?
        for view in batch.views {
            let record = view.record
            if view.advances { advancedTo = record.pointee.start }
            guard view.isLocalRequest, record.pointee.packets >= Self.floodRecordPackets else { continue }
            let target = Target(
                interface: record.pointee.interfaceId, local: view.local, remote: view.remote, protocolNumber: record.pointee.protocolNumber,
                port: record.pointee.destinationPort)
            let first = record.pointee.start / Self.slotSeconds
            // At most ten minutes of slots: longer intervals are not ones AWS writes.
            let last = min(max(record.pointee.end - 1, record.pointee.start) / Self.slotSeconds, first + 59)
            let count = Int(last - first + 1)
            let packets = record.pointee.packets / count
            let bytes = record.pointee.bytes / count
            for slot in first...last {
                let key = Slot(target: target, slot: slot)
                if let index = self.slots.index(forKey: key) {
                    // Packets from logs saturate: a few records with 18-digit counts must not trap.
                    self.slots.values[index].packets = self.slots.values[index].packets.addingClamped(packets)
                    self.slots.values[index].bytes = self.slots.values[index].bytes.addingClamped(bytes)
                } else {
                    self.slots[key] = Count(packets: packets, bytes: bytes, account: record.pointee.accountId)
                }
            }
        }
        // Slots two windows behind the newest record are complete (logs arrive nearly in time order): judged now, so
        // the table holds the open ones only.
        if let advancedTo { self.close(before: advancedTo - 2 * context.thresholds.windowSeconds, in: context) }
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        let due = self.slots.filter { key, _ in watermark.map { (key.slot + 1) * Self.slotSeconds <= $0 } ?? true }
        guard !due.isEmpty else { return }
        for key in due.keys { self.slots.removeValue(forKey: key) }
        let thresholds = context.thresholds
        var byTarget: [Target: [(slot: Int64, count: Count)]] = [:]
        for (key, value) in due { byTarget[key.target, default: []].append((key.slot, value)) }
        for (target, slots) in byTarget {
            let ordered = slots.sorted { $0.slot < $1.slot }
            // The busiest sliding minute: six consecutive slots.
            var best: (packets: Int, bytes: Int, first: Int64, account: Int) = (0, 0, 0, 0)
            var windowStart = 0
            var packets = 0
            var bytes = 0
            for entry in ordered {
                packets = packets.addingClamped(entry.count.packets)
                bytes = bytes.addingClamped(entry.count.bytes)
                while ordered[windowStart].slot <= entry.slot - 6 {
                    packets -= ordered[windowStart].count.packets
                    bytes -= ordered[windowStart].count.bytes
                    windowStart += 1
                }
                if packets > best.packets { best = (packets, bytes, ordered[windowStart].slot * Self.slotSeconds, entry.count.account) }
            }
            guard best.packets >= thresholds.denialOfServicePacketsPerMinute, best.bytes / best.packets <= thresholds.denialOfServiceBytesPerPacket
            else { continue }
            self.report(target, packets: best.packets, first: best.first, account: best.account, in: context)
        }
    }

    func report(_ target: Target, packets: Int, first: Int64, account: Int, in context: RuleContext) {
        let type: FindingType
        switch (target.protocolNumber, target.port) {
        case (17, 53): type = .backdoorEC2DenialOfServiceDns
        case (17, 80), (17, 443): type = .backdoorEC2DenialOfServiceUdpOnTcpPorts
        case (17, _): type = .backdoorEC2DenialOfServiceUdp
        case (6, _): type = .backdoorEC2DenialOfServiceTcp
        default: type = .backdoorEC2DenialOfServiceUnusualProtocol
        }
        let record = FlowRecord(
            accountId: account, interfaceId: target.interface, source: nil, destination: nil, sourcePort: 0, destinationPort: target.port,
            protocolNumber: target.protocolNumber, packets: packets, bytes: 0, start: first, end: first, accepted: true, instanceId: 0)
        context.add(
            context.flowObservation(
                type, record: record, local: target.local, remote: target.remote, inbound: false, localPort: 0, remotePort: target.port,
                key: "\(target.remote)",
                description: "\(target.local) sent \(packets) \(RuleContext.protocolName(target.protocolNumber)) packets to \(target.remote) "
                    + "within one minute.",
                role: "ACTOR"
            ))
    }
}
