import GuardDutyModel
import ThreatLists

/// Behavior:EC2/TrafficVolumeUnusual: history per instance *and peer* of the bytes the instance sends on connections
/// it opened — the peer being the AWS range the remote is in (service and region: a backup to S3 reaches a different
/// S3 address every night) or else the remote's /24 (IPv6 /48). History is the most the instance sent that peer in one
/// window, learned from its first `baselineLearningSeconds` and kept up to date afterwards. A window sending at least
/// `trafficVolumeMinimumBytes` to a peer it had not sent that much to, or more than `trafficVolumeFactor` × the
/// peer's largest window, is unusual. A nightly backup to its usual destination is not; a web server's answers to its
/// clients are not traffic it opened.
///
/// A window's connections are summed by bytes per instance first (`candidates` with a weight): only instances that
/// sent a tenth of the minimum are looked at (a smaller history cannot raise the threshold above the minimum), and
/// only their connections' peers are looked up.
final class TrafficVolumeRule: FlowWindowRule, BaselineRule {
    let findingTypes: [FindingType] = [.behaviorEC2TrafficVolumeUnusual]

    /// One instance's traffic to one peer (the instance by its name id: instance, else interface).
    struct Peer: Hashable {
        var instance: Int
        /// The remote's /24 (IPv6 /48); unset (0.0.0.0) for an AWS range.
        var network: IPAddress
        var aws: AWSRange?

        init(instance: Int, remote: IPAddress, intelligence: Intelligence) {
            self.instance = instance
            self.aws = intelligence.awsRange(remote)
            self.network =
                self.aws != nil
                ? IPAddress(v4: 0)
                : remote.isV6
                    ? IPAddress(v6: remote.value & ~((UInt128(1) << 80) - 1)) : IPAddress(v4: UInt32(truncatingIfNeeded: remote.value) & 0xFFFF_FF00)
        }

        init(instance: Int, name: String) {
            self.instance = instance
            self.network = IPAddress.parse(name.utf8) ?? IPAddress(v4: 0)
            let parts = name.split(separator: "|", omittingEmptySubsequences: false)
            self.aws = name.hasPrefix("aws|") && parts.count == 3 ? AWSRange(service: String(parts[1]), region: String(parts[2])) : nil
        }

        /// How the peer is written in the learned baselines: `aws|SERVICE|REGION` or the network's address.
        var name: String { self.aws.map { "aws|\($0.service)|\($0.region)" } ?? self.network.description }

        var described: String { self.aws.map { "AWS's \($0) range" } ?? "the network \(self.network)" }
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
        for connection in current { self.saw(connection) }
        let floor = max(1, thresholds.trafficVolumeMinimumBytes / max(1, thresholds.trafficVolumeFactor))
        let heavy = context.grouping.candidates(
            current, atLeast: floor, weight: { Int($0.bytes) }, fingerprint: { UInt64(Self.instance($0)) })
        guard !heavy.isEmpty else { return }
        var peers: [Peer: (bytes: Int, first: Connection)] = [:]
        for connection in heavy where Self.instance(connection) > 0 {
            let peer = Peer(instance: Self.instance(connection), remote: connection.remote, intelligence: context.intelligence)
            let current = peers[peer]
            peers[peer] = (
                (current?.bytes ?? 0).addingClamped(Int(connection.bytes)),
                current.map { $0.first.start <= connection.start ? $0.first : connection } ?? connection
            )
        }
        let windowStart = window.start * thresholds.windowSeconds
        // In a fixed order (the learned maxima do not depend on it, but the findings' details should not either).
        for (peer, value) in peers.sorted(by: { ($0.key.instance, $0.key.name) < ($1.key.instance, $1.key.name) }) where value.bytes >= floor {
            let before = self.learned[peer]
            self.learned[peer] = max(before ?? 0, value.bytes)
            let firstSeen = self.firstSeen[peer.instance]
            guard firstSeen != .max, windowStart >= firstSeen + thresholds.baselineLearningSeconds else { continue }
            // Byte counts come from logs: a product past Int.max is a volume no window can exceed.
            let (scaled, overflow) = (before ?? 0).multipliedReportingOverflow(by: thresholds.trafficVolumeFactor)
            guard !overflow, value.bytes >= thresholds.trafficVolumeMinimumBytes, value.bytes > scaled else { continue }
            self.report(value.first, bytes: value.bytes, before: before, peer: peer, in: context)
        }
    }

    /// Notes when an instance was first seen opening a connection.
    @inline(__always)
    func saw(_ connection: Connection) {
        let id = Self.instance(connection)
        guard id > 0 else { return }
        if id >= self.firstSeen.count { self.firstSeen.append(contentsOf: repeatElement(.max, count: id + 1 - self.firstSeen.count)) }
        if connection.start < self.firstSeen[id] {
            self.firstSeen[id] = connection.start
            if connection.instance == 0 { self.viaInterface.insert(id) }
        }
    }

    func report(_ first: Connection, bytes: Int, before: Int?, peer: Peer, in context: RuleContext) {
        let record = context.record(first, protocolNumber: Int(first.protocolNumber))
        let history = before.map { "its largest window to it had been \($0) bytes" } ?? "it had not sent there before"
        context.add(
            context.flowObservation(
                .behaviorEC2TrafficVolumeUnusual, record: record, local: first.local, remote: first.remote, inbound: false,
                localPort: Int(first.clientPort), remotePort: Int(first.port), key: "volume",
                description: "EC2 instance \(context.instanceName(record)) sent \(bytes) bytes to \(first.remote) in \(peer.described) in "
                    + "\(context.thresholds.windowSeconds / 60) minutes; \(history).",
                role: "ACTOR"
            ))
    }

    func export(into learned: inout LearnedBaselines, names: NameTable) {
        for (peer, bytes) in self.learned {
            guard let name = names.name(peer.instance) else { continue }
            let key = self.viaInterface.contains(peer.instance) ? "eni:\(name)" : name
            var instance = learned.instances[key] ?? .init(firstSeen: self.firstSeen[peer.instance], ports: [], peers: nil)
            instance.peers = (instance.peers ?? [:]).merging([peer.name: bytes]) { max($0, $1) }
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
            for (peer, bytes) in instance.peers ?? [:] { self.learned[Peer(instance: id, name: peer)] = bytes }
        }
    }
}
