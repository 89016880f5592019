import GuardDutyModel
import ThreatLists

/// The state of `FlowBaselineRule`: learned per-instance behaviour from flow logs (record time, never the wall clock): during the first
/// `baselineLearningSeconds` after an instance is first seen, the remote ports it connects out to and the bytes it
/// sends per window are learned; afterwards an outbound connection to a port never used is
/// Behavior:EC2/NetworkPortUnusual, and a window sending more than `trafficVolumeFactor` × the learned average (and at
/// least `trafficVolumeMinimumBytes`) is Behavior:EC2/TrafficVolumeUnusual. Learning depends on which records come
/// first, so unlike the other rules these depend on record order within the learning period.
///
/// Instances are kept in an array indexed by their name id (the instance id, else the network interface's, else —
/// for formats that name neither — the private address's), and each holds its current window's volume, so the hot
/// path hashes nothing.
struct FlowBaselines {
    struct Instance {
        var seen = false
        /// Keyed by its network interface (the records name no instance): exported as `eni:NAME`.
        var viaInterface = false
        var firstSeen: Int64 = 0
        var ports = PortSet()
        var learnedBytes = 0
        var learnedWindows: Set<Int64> = []
        /// The window being added up (`.min`: none), its bytes and its first record.
        var window: Int64 = .min
        var bytes = 0
        var sample: VolumeSample?
    }

    /// A window's first record, for the finding's details.
    struct VolumeSample {
        var record: FlowRecord
        var local: IPAddress
        var remote: IPAddress
    }

    struct Volume: Hashable {
        var instance: Int
        var window: Int64
    }

    var instances: [Instance] = []
    /// Instances whose current window is open.
    var open: [Int] = []
    /// Windows an instance moved on from, and windows a late record reopened, waiting to be learned or judged.
    var pending: [Volume: (bytes: Int, sample: VolumeSample)] = [:]

    var hasOpenVolumes: Bool { !self.open.isEmpty || !self.pending.isEmpty }

    /// The instance at `id`, made room for when new.
    @inline(__always)
    mutating func reserve(_ id: Int) {
        if id >= self.instances.count { self.instances.append(contentsOf: repeatElement(Instance(), count: id + 1 - self.instances.count)) }
    }
}
