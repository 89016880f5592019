/// Writes what a network interface's flow log records of a connection, as AWS does: one record per direction per
/// aggregation interval (the reply is its own record with addresses and ports swapped), `tcp-flags` OR-ed over the
/// interval (SYN 2, SYN-ACK 18, FIN 1, RST 4) and `flow-direction` relative to the interface.
struct FlowEmitter {
    static let v5Header =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id "
        + "instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service "
        + "pkt-dst-aws-service flow-direction traffic-path"

    let files: CorpusFiles
    let accountId: String
    let region: String
    let vpcId: String

    /// Records of `connection` at `interface`, which is its opener when `localIsInitiator`; `path` is the egress
    /// traffic-path (1 through another resource of the VPC, 7 a gateway endpoint, 8 the internet gateway).
    func emit(_ connection: CorpusConnection, at interface: CorpusInterface, localIsInitiator: Bool, path: Int) {
        let interval = interface.interval
        let end = connection.start + max(0, connection.duration)
        let first = connection.start / interval
        let last = end / interval
        let slices = Array(first...last).map { index in
            (start: max(connection.start, index * interval), end: min(end, index * interval + interval - 1))
        }
        let weights = slices.map { Int($0.end - $0.start + 1) }
        let forwardPackets = Self.split(connection.forwardPackets, weights)
        let replyPackets = Self.split(connection.replyPackets, weights)
        let tcp = connection.transport == 6
        for (index, slice) in slices.enumerated() {
            let isFirst = index == 0
            let isLast = index == slices.count - 1
            if forwardPackets[index] > 0 {
                var flags = 0
                if tcp && isFirst { flags |= 2 }
                if tcp && isLast && connection.replyPackets > 0 && !connection.reset { flags |= 1 }
                let bytes = Self.share(connection.forwardBytes, forwardPackets[index], of: connection.forwardPackets)
                self.line(
                    source: connection.initiator, connection.initiatorPort, destination: connection.responder, connection.responderPort,
                    packets: forwardPackets[index], bytes: bytes, slice: slice, accepted: connection.accepted, flags: tcp ? flags : 0,
                    interface: interface, egress: localIsInitiator, path: path, service: connection.remoteService, remoteIsSource: !localIsInitiator,
                    transport: connection.transport)
            }
            guard connection.accepted, replyPackets[index] > 0 else { continue }
            var flags = 0
            if tcp && isFirst { flags |= connection.reset ? 4 : 18 }
            if tcp && isLast && !connection.reset { flags |= 1 }
            let bytes = Self.share(connection.replyBytes, replyPackets[index], of: connection.replyPackets)
            self.line(
                source: connection.responder, connection.responderPort, destination: connection.initiator, connection.initiatorPort,
                packets: replyPackets[index], bytes: bytes, slice: slice, accepted: true, flags: tcp ? flags : 0, interface: interface,
                egress: !localIsInitiator, path: path, service: connection.remoteService, remoteIsSource: localIsInitiator,
                transport: connection.transport)
        }
    }

    private func line(
        source: String, _ sourcePort: Int, destination: String, _ destinationPort: Int, packets: Int, bytes: Int,
        slice: (start: Int64, end: Int64), accepted: Bool, flags: Int, interface: CorpusInterface, egress: Bool, path: Int, service: String?,
        remoteIsSource: Bool, transport: Int
    ) {
        let action = accepted ? "ACCEPT" : "REJECT"
        let common =
            "\(self.accountId) \(interface.interfaceId) \(source) \(destination) \(sourcePort) \(destinationPort) \(transport) \(packets) \(bytes) "
            + "\(slice.start) \(slice.end) \(action) OK"
        guard interface.custom else {
            self.files.flow("2 " + common, time: slice.start, logId: interface.logId, header: nil)
            return
        }
        let sourceService = remoteIsSource ? (service ?? "-") : "-"
        let destinationService = remoteIsSource ? "-" : (service ?? "-")
        let line =
            "5 " + common + " \(self.vpcId) \(interface.subnetId) \(interface.instanceId ?? "-") \(flags) IPv4 \(source) \(destination) "
            + "\(self.region) use1-az1 - - \(sourceService) \(destinationService) \(egress ? "egress" : "ingress") \(egress ? String(path) : "-")"
        self.files.flow(line, time: slice.start, logId: interface.logId, header: Self.v5Header)
    }

    /// `total` spread over slices in proportion to `weights`, each non-empty slice getting at least one while they last.
    static func split(_ total: Int, _ weights: [Int]) -> [Int] {
        guard weights.count > 1 else { return [total] }
        let sum = weights.reduce(0, +)
        var shares = weights.map { total * $0 / max(1, sum) }
        var remainder = total - shares.reduce(0, +)
        var index = 0
        while remainder > 0 {
            shares[index % shares.count] += 1
            remainder -= 1
            index += 1
        }
        return shares
    }

    /// The bytes of `part` packets out of `whole` carrying `total` bytes.
    static func share(_ total: Int, _ part: Int, of whole: Int) -> Int {
        guard whole > 0 else { return 0 }
        return max(part * 40, Int(Int64(total) * Int64(part) / Int64(whole)))
    }
}
