import GuardDutyModel
import ThreatLists

/// The state of `FlowBaselineRule`: per-instance history from flow logs, in record time (never the wall clock).
///
/// During the first `baselineLearningSeconds` after an instance is first seen opening a connection, the remote ports
/// it connects to are learned; afterwards a connection carrying data to a port never used is
/// Behavior:EC2/NetworkPortUnusual, and port 25 without that history is Backdoor:EC2/Spambot once
/// `spambotHosts` mail servers are reached within `spambotSeconds`. Volumes are history per instance *and peer*
/// (the remote /24, IPv6 /48): the most bytes the instance sent to that peer in one window, learned and kept up to
/// date; a window sending at least `trafficVolumeMinimumBytes` to a new peer, or more than `trafficVolumeFactor` × the
/// peer's largest window, is Behavior:EC2/TrafficVolumeUnusual — a nightly backup to its usual destination is not.
///
/// Instances are kept in an array indexed by their name id (the instance id, else the network interface's, else —
/// for formats that name neither — the private address's), so the per-record path hashes only records large enough
/// to count towards a volume (`volumeFloor`).
struct FlowBaselines {
    struct Instance {
        var seen = false
        /// Keyed by its network interface (the records name no instance): exported as `eni:NAME`.
        var viaInterface = false
        var firstSeen: Int64 = 0
        var ports = PortSet()
        /// Mail servers reached on port 25 without history: when, newest last (only the last `spambotSeconds`).
        var mailHosts: [(time: Int64, host: IPAddress)] = []
    }

    /// A window's first record, for the finding's details.
    struct VolumeSample {
        var record: FlowRecord
        var local: IPAddress
        var remote: IPAddress
    }

    /// One instance's traffic to one peer network.
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

    /// One peer's bytes in one window.
    struct Volume: Hashable {
        var peer: Peer
        var window: Int64
    }

    /// Records smaller than this do not count towards a volume (a window of them cannot near the minimum).
    static let volumeFloor = 16_384

    var instances: [Instance] = []
    /// The windows being added up.
    var volumes: [Volume: (bytes: Int, sample: VolumeSample)] = [:]
    /// The most bytes sent to each peer in one window.
    var learned: [Peer: Int] = [:]

    var hasOpenVolumes: Bool { !self.volumes.isEmpty }

    /// The instance at `id`, made room for when new.
    @inline(__always)
    mutating func reserve(_ id: Int) {
        if id >= self.instances.count { self.instances.append(contentsOf: repeatElement(Instance(), count: id + 1 - self.instances.count)) }
    }
}
