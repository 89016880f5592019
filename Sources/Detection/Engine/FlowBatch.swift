import ThreatLists

/// The records of one batch that have a remote side and are not trusted, in record order: the per-record work all
/// flow rules share (which side is ours, the address-list lookups, window advances) done once, before the rules run.
struct FlowBatch {
    var views: UnsafeBufferPointer<FlowView>

    /// Which side of a connection is ours: the private one; when both are public, the one the record's
    /// `flow-direction` names (ingress: the destination), else the one the interface's records name most often (see
    /// `OwnPublicAddresses`), else the listening side (see `Initiator`). Nil when both are private (or an address is
    /// missing): nothing remote to judge. A private side is ours even against the direction: on a NAT gateway's
    /// interface an instance's packets to the internet are ingress, yet the remote party is their destination.
    @inline(__always)
    static func sides(
        _ record: UnsafePointer<FlowRecord>, own: inout OwnPublicAddresses
    ) -> (inbound: Bool, local: IPAddress, remote: IPAddress)? {
        guard let source = record.pointee.source, let destination = record.pointee.destination else { return nil }
        let sourcePrivate = source.isPrivateOrBogon
        let destinationPrivate = destination.isPrivateOrBogon
        if sourcePrivate && destinationPrivate { return nil }
        let inbound: Bool
        if sourcePrivate != destinationPrivate {
            inbound = destinationPrivate
        } else {
            switch record.pointee.flowDirection {
            case .ingress: inbound = true
            case .egress: inbound = false
            case .unknown:
                let sourceIsOurs = own.sourceIsOurs(interface: record.pointee.interfaceId, source: source, destination: destination)
                inbound = sourceIsOurs.map { !$0 } ?? Initiator.of(record).sourceInitiated
            }
        }
        return inbound ? (true, destination, source) : (false, source, destination)
    }

    /// Fills `views` from `records`: sides first, then the address answers of the whole batch (IPv4 in one batched
    /// lookup, so that the memory accesses of many records are in flight at once), trusted addresses dropped, and
    /// the window advances marked against `newestWindow`.
    static func prepare(
        _ records: UnsafeBufferPointer<FlowRecord>, into views: inout [FlowView], intelligence: Intelligence,
        windowSeconds: Int64, newestWindow: inout Int64, own: inout OwnPublicAddresses
    ) {
        views.removeAll(keepingCapacity: true)
        let checkTrusted = !intelligence.trustedIPs.isEmpty
        var v4: [UInt32] = []
        var positions: [Int] = []
        v4.reserveCapacity(records.count)
        positions.reserveCapacity(records.count)
        for index in records.indices {
            let pointer = records.baseAddress! + index
            guard let (inbound, local, remote) = Self.sides(pointer, own: &own) else { continue }
            if checkTrusted && intelligence.isTrusted(remote) { continue }
            var answer: UInt32 = 0
            if !remote.isPrivateOrBogon {
                if remote.isV6 {
                    answer = intelligence.addresses.answer(v6: remote.value)
                } else {
                    v4.append(UInt32(truncatingIfNeeded: remote.value))
                    positions.append(views.count)
                }
            }
            let window = pointer.pointee.start / windowSeconds
            let advances = window > newestWindow
            if advances { newestWindow = window }
            let initiator = Initiator.of(pointer)
            views.append(
                FlowView(
                    local: local, answer: answer, inbound: inbound, advances: advances, sourceInitiated: initiator.sourceInitiated,
                    confidence: initiator.confidence, remote: remote, record: pointer))
        }
        guard !v4.isEmpty else { return }
        var found = [UInt32](repeating: 0, count: v4.count)
        v4.withUnsafeBufferPointer { addresses in
            found.withUnsafeMutableBufferPointer { intelligence.addresses.answers(v4: addresses, into: $0) }
        }
        for (position, answer) in zip(positions, found) { views[position].answer = answer }
    }
}
