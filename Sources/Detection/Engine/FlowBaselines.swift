import GuardDutyModel
import ThreatLists

/// The state of `FlowBaselineRule`: per-instance history from flow logs, in record time (never the wall clock).
///
/// During the first `baselineLearningSeconds` after an instance is first seen opening a connection, the remote ports
/// it connects to are learned; afterwards a connection carrying data to a port never used is
/// Behavior:EC2/NetworkPortUnusual, and port 25 without that history is Backdoor:EC2/Spambot once
/// `spambotHosts` mail servers are reached within `spambotSeconds`.
///
/// Instances are kept in an array indexed by their name id (the instance id, else the network interface's, else —
/// for formats that name neither — the private address's), so the per-record path hashes nothing.
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

    var instances: [Instance] = []

    /// The instance at `id`, made room for when new.
    @inline(__always)
    mutating func reserve(_ id: Int) {
        if id >= self.instances.count { self.instances.append(contentsOf: repeatElement(Instance(), count: id + 1 - self.instances.count)) }
    }
}
