import GuardDutyModel
import ThreatLists

/// Behavior:EC2/TrafficVolumeUnusual: history per instance *and peer* — the remote's /24 (IPv6 /48) — of the bytes the
/// instance sends on connections it opened: the most it sent to that peer in one window, learned from its first
/// `baselineLearningSeconds` and kept up to date afterwards. A window sending at least `trafficVolumeMinimumBytes` to a
/// peer it had not sent that much to, or more than `trafficVolumeFactor` × the peer's largest window, is unusual. A
/// nightly backup to its usual destination is not; a web server's answers to its clients are not traffic it opened.
///
/// A window's connections are summed by bytes per (instance, peer) first (`candidates` with a weight): only peers
/// that received a tenth of the minimum are looked at, since a smaller history cannot raise the threshold above it.
final class TrafficVolumeRule: FlowWindowRule, BaselineRule {
    let findingTypes: [FindingType] = [.behaviorEC2TrafficVolumeUnusual]

    /// One instance's traffic to one peer network (the instance by its name id: instance, else interface).
    struct Peer: Hashable {
        var instance: Int
        var network: IPAddress

        /// The remote's /24 (IPv6 /48).
        static func network(of remote: IPAddress) -> IPAddress {
            remote.isV6
                ? IPAddress(v6: remote.value & ~((UInt128(1) << 80) - 1))
                : IPAddress(v4: UInt32(truncatingIfNeeded: remote.value) & 0xFFFF_FF00)
        }
    }

    /// When each instance was first seen opening a connection, by name id (`Int64.max`: not yet).
    var firstSeen: [Int64] = []
    /// Instances known by their interface (the records name no instance).
    var viaInterface: Set<Int> = []
    /// The most bytes sent to each peer in one window.
    var learned: [Peer: Int] = [:]

    /// The name id of a connection's instance (0: the records name neither instance nor interface).
    @inline(__always)
    static func instance(_ connection: Connection) -> Int { Int(connection.instance != 0 ? connection.instance : connection.interface) }

    func judge(_ window: FlowWindow, in context: RuleContext) {
        let thresholds = context.thresholds
        // The window's own connections (`outbound` never holds the span's earlier window).
        let current = window.outbound.filter { $0.accepted && $0.confidence >= .likely }
        for connection in current {
            let id = Self.instance(connection)
            guard id > 0 else { continue }
            if id >= self.firstSeen.count { self.firstSeen.append(contentsOf: repeatElement(.max, count: id + 1 - self.firstSeen.count)) }
            if connection.start < self.firstSeen[id] {
                self.firstSeen[id] = connection.start
                if connection.instance == 0 { self.viaInterface.insert(id) }
            }
        }
        let floor = max(1, thresholds.trafficVolumeMinimumBytes / max(1, thresholds.trafficVolumeFactor))
        let heavy = context.grouping.candidates(
            current, atLeast: floor, weight: { Int($0.bytes) },
            fingerprint: { ConnectionGrouping.fingerprint(UInt64(Self.instance($0)), Peer.network(of: $0.remote), nil) })
        guard !heavy.isEmpty else { return }
        let less = ConnectionGrouping.less
        let sorted = heavy.sorted {
            Self.instance($0) != Self.instance($1)
                ? Self.instance($0) < Self.instance($1) : less(Peer.network(of: $0.remote), Peer.network(of: $1.remote))
        }
        let windowStart = window.start * thresholds.windowSeconds
        ConnectionGrouping.runs(
            sorted, sameGroup: { Self.instance($0) == Self.instance($1) && Peer.network(of: $0.remote) == Peer.network(of: $1.remote) },
            each: { run in
                let first = run.min { $0.start < $1.start }!
                let id = Self.instance(first)
                guard id > 0 else { return }
                let peer = Peer(instance: id, network: Peer.network(of: first.remote))
                let bytes = run.reduce(0) { $0.addingClamped(Int($1.bytes)) }
                let before = self.learned[peer]
                self.learned[peer] = max(before ?? 0, bytes)
                guard self.firstSeen[id] != .max, windowStart >= self.firstSeen[id] + thresholds.baselineLearningSeconds else { return }
                // Byte counts come from logs: a product past Int.max is a volume no window can exceed.
                let (scaled, overflow) = (before ?? 0).multipliedReportingOverflow(by: thresholds.trafficVolumeFactor)
                guard !overflow, bytes >= thresholds.trafficVolumeMinimumBytes, bytes > scaled else { return }
                self.report(first, bytes: bytes, before: before, network: peer.network, in: context)
            })
    }

    func report(_ first: Connection, bytes: Int, before: Int?, network: IPAddress, in context: RuleContext) {
        let record = context.record(first, protocolNumber: Int(first.protocolNumber))
        let history = before.map { "its largest window to that network had been \($0) bytes" } ?? "a network it had not sent to before"
        context.add(
            context.flowObservation(
                .behaviorEC2TrafficVolumeUnusual, record: record, local: first.local, remote: first.remote, inbound: false,
                localPort: Int(first.clientPort), remotePort: Int(first.port), key: "volume",
                description: "EC2 instance \(context.instanceName(record)) sent \(bytes) bytes to \(first.remote) and its network \(network) in "
                    + "\(context.thresholds.windowSeconds / 60) minutes; \(history).",
                role: "ACTOR"
            ))
    }

    func export(into learned: inout LearnedBaselines, names: NameTable) {
        for (peer, bytes) in self.learned {
            guard let name = names.name(peer.instance) else { continue }
            let key = self.viaInterface.contains(peer.instance) ? "eni:\(name)" : name
            var instance = learned.instances[key] ?? .init(firstSeen: self.firstSeen[peer.instance], ports: [], peers: nil)
            instance.peers = (instance.peers ?? [:]).merging([peer.network.description: bytes]) { max($0, $1) }
            learned.instances[key] = instance
        }
    }

    func restore(_ learned: LearnedBaselines, names: NameTable) {
        for (name, instance) in learned.instances {
            let viaInterface = name.hasPrefix("eni:")
            let id = names.intern(Array((viaInterface ? name.dropFirst(4) : Substring(name)).utf8))
            guard id > 0 else { continue }
            if id >= self.firstSeen.count { self.firstSeen.append(contentsOf: repeatElement(.max, count: id + 1 - self.firstSeen.count)) }
            self.firstSeen[id] = min(self.firstSeen[id], instance.firstSeen)
            if viaInterface { self.viaInterface.insert(id) }
            for (network, bytes) in instance.peers ?? [:] {
                guard let address = IPAddress.parse(network.utf8) else { continue }
                self.learned[Peer(instance: id, network: address)] = bytes
            }
        }
    }
}
