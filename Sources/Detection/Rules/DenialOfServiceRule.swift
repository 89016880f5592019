import GuardDutyModel
import ThreatLists

/// Backdoor:EC2/DenialOfService.*: an instance flooding one remote address and port within any sliding minute, on
/// connections it opened (see `isFlood`: many small packets — a bulk transfer such as a backup sends full-size ones —
/// and, over TCP, from many connections); the variant follows the protocol and port.
///
/// Every record counts, whatever its size (a flood spread over many records of a few hundred packets is as large as
/// one record of a million). A window's connections are summed by packets per target first (`candidates` with a
/// weight), so only targets that received that many packets in the span are looked at closely: their records'
/// packets are spread evenly over the 10-second slots each interval covers — a record aggregated over ten minutes is
/// not a one-minute burst — and the busiest six consecutive slots are the sliding minute.
final class DenialOfServiceRule: FlowWindowRule {
    let findingTypes: [FindingType] = [
        .backdoorEC2DenialOfServiceDns, .backdoorEC2DenialOfServiceUdpOnTcpPorts, .backdoorEC2DenialOfServiceUdp,
        .backdoorEC2DenialOfServiceTcp, .backdoorEC2DenialOfServiceUnusualProtocol,
    ]

    static let slotSeconds: Int64 = 10

    /// Opened by the instance, by (interface, local, remote, protocol, port).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let thresholds = context.thresholds
        let less = ConnectionGrouping.less
        // A sliding minute of T packets has at least T/2 of them in one of the span's two windows: targets that reach
        // T/2 in this one (T the lower threshold) are looked at with the window before (those that reach it only there
        // were judged then).
        func fingerprint(_ connection: Connection) -> UInt64 {
            ConnectionGrouping.fingerprint(
                UInt64(UInt32(bitPattern: connection.interface)) << 24 | UInt64(connection.protocolNumber) << 16 | UInt64(connection.port),
                connection.local, connection.remote)
        }
        let heavy = context.grouping.candidates(
            window.outbound, atLeast: min(thresholds.denialOfServicePacketsPerMinute, thresholds.denialOfServiceHeaderPacketsPerMinute) / 2,
            weight: { Int($0.packets) }, fingerprint: fingerprint)
        guard !heavy.isEmpty else { return }
        let targets = Set(heavy.map(fingerprint))
        let sorted = (window.earlierOutbound.filter { targets.contains(fingerprint($0)) } + heavy).sorted {
            ($0.interface, $0.protocolNumber, $0.port) != ($1.interface, $1.protocolNumber, $1.port)
                ? ($0.interface, $0.protocolNumber, $0.port) < ($1.interface, $1.protocolNumber, $1.port)
                : $0.local != $1.local ? less($0.local, $1.local) : less($0.remote, $1.remote)
        }
        ConnectionGrouping.runs(
            sorted,
            sameGroup: {
                $0.interface == $1.interface && $0.protocolNumber == $1.protocolNumber && $0.port == $1.port && $0.local == $1.local
                    && $0.remote == $1.remote
            },
            each: { run in
                guard let minute = Self.busiestMinute(run, from: window.judgedFrom, isFlood: { self.isFlood($0, run.first!, thresholds) })
                else { return }
                self.report(run.first!, packets: minute.packets, first: minute.first, in: context)
            })
    }

    /// One sliding minute of one target: its packets, bytes and connections (the opener's distinct ports).
    struct Minute {
        var packets: Int
        var bytes: Int
        var connections: Int
        var first: Int64
    }

    /// Whether a minute is a flood: `denialOfServicePacketsPerMinute` packets of at most `denialOfServiceBytesPerPacket`
    /// on average, or `denialOfServiceHeaderPacketsPerMinute` packets of bare headers (≤ 100 bytes: SYNs, ACKs). Over TCP,
    /// also from at least `denialOfServiceConnections` connections: a download's ACKs back to one server are a stream of
    /// bare headers as large as a flood, on one or a few connections.
    func isFlood(_ minute: Minute, _ target: Connection, _ thresholds: DetectionEngine.Thresholds) -> Bool {
        guard minute.packets > 0 else { return false }
        let perPacket = minute.bytes / minute.packets
        let large = minute.packets >= thresholds.denialOfServicePacketsPerMinute && perPacket <= thresholds.denialOfServiceBytesPerPacket
        let headers = minute.packets >= thresholds.denialOfServiceHeaderPacketsPerMinute && perPacket <= 100
        guard target.isTCP else { return large }
        return (large || headers) && minute.connections >= thresholds.denialOfServiceConnections
    }

    /// The busiest sliding minute of one target's records (six consecutive 10-second slots) that `isFlood`, among
    /// minutes that reach `from`.
    static func busiestMinute(_ run: ArraySlice<Connection>, from: Int64, isFlood: (Minute) -> Bool) -> Minute? {
        var slots: [Int64: (packets: Int, bytes: Int)] = [:]
        for connection in run {
            let first = connection.start / Self.slotSeconds
            // At most ten minutes of slots: longer intervals are not ones AWS writes.
            let last = min((connection.start + max(Int64(connection.duration) - 1, 0)) / Self.slotSeconds, first + 59)
            let count = Int(last - first + 1)
            for slot in first...last {
                let current = slots[slot] ?? (0, 0)
                slots[slot] = (current.packets + Int(connection.packets) / count, current.bytes + Int(connection.bytes) / count)
            }
        }
        let ordered = slots.sorted { $0.key < $1.key }
        var best: Minute?
        var left = 0
        var packets = 0
        var bytes = 0
        for (slot, value) in ordered {
            packets += value.packets
            bytes += value.bytes
            while ordered[left].key <= slot - 6 {
                packets -= ordered[left].value.packets
                bytes -= ordered[left].value.bytes
                left += 1
            }
            guard (slot + 1) * Self.slotSeconds > from, packets > (best?.packets ?? 0) else { continue }
            // The connections whose intervals overlap the minute (counted only for a minute that may be the answer).
            let start = ordered[left].key * Self.slotSeconds
            let end = (slot + 1) * Self.slotSeconds
            let ports = Set(run.lazy.filter { $0.start < end && $0.start + max(Int64($0.duration), 1) > start }.map(\.clientPort))
            let minute = Minute(packets: packets, bytes: bytes, connections: ports.count, first: start)
            if isFlood(minute) { best = minute }
        }
        return best
    }

    func report(_ target: Connection, packets: Int, first: Int64, in context: RuleContext) {
        let type: FindingType
        switch (target.protocolNumber, target.port) {
        case (17, 53): type = .backdoorEC2DenialOfServiceDns
        case (17, 80), (17, 443): type = .backdoorEC2DenialOfServiceUdpOnTcpPorts
        case (17, _): type = .backdoorEC2DenialOfServiceUdp
        case (6, _): type = .backdoorEC2DenialOfServiceTcp
        default: type = .backdoorEC2DenialOfServiceUnusualProtocol
        }
        var record = context.record(target, protocolNumber: Int(target.protocolNumber))
        record.packets = packets
        record.start = first
        record.end = first
        context.add(
            context.flowObservation(
                type, record: record, local: target.local, remote: target.remote, inbound: false, localPort: 0, remotePort: Int(target.port),
                key: "\(target.remote)",
                description: "\(target.local) sent \(packets) \(RuleContext.protocolName(Int(target.protocolNumber))) packets to \(target.remote) "
                    + "within one minute.",
                role: "ACTOR"
            ))
    }
}
