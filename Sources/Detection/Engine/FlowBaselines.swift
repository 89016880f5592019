import GuardDutyModel
import ThreatLists

/// Learned per-instance behaviour from flow logs (record time, never the wall clock): during the first
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

/// A small set of ports: open addressing over a power-of-two table, hashed by a multiply (a port set is read on
/// every outbound record).
struct PortSet {
    /// Port + 1 per slot; 0 is empty.
    private var slots: [UInt32] = []
    private(set) var count = 0

    init() {}

    init(_ ports: some Sequence<Int>) {
        for port in ports { self.insert(port) }
    }

    @inline(__always)
    private static func slot(_ port: Int, _ mask: Int) -> Int { Int(truncatingIfNeeded: (UInt32(truncatingIfNeeded: port) &* 0x9E37_79B1) >> 16) & mask }

    @inline(__always)
    func contains(_ port: Int) -> Bool {
        guard !self.slots.isEmpty else { return false }
        let mask = self.slots.count - 1
        var slot = Self.slot(port, mask)
        let wanted = UInt32(truncatingIfNeeded: port) &+ 1
        while true {
            let value = self.slots[slot]
            if value == wanted { return true }
            if value == 0 { return false }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    mutating func insert(_ port: Int) {
        if (self.count + 1) * 2 > self.slots.count { self.grow() }
        let mask = self.slots.count - 1
        var slot = Self.slot(port, mask)
        let wanted = UInt32(truncatingIfNeeded: port) &+ 1
        while true {
            let value = self.slots[slot]
            if value == wanted { return }
            if value == 0 {
                self.slots[slot] = wanted
                self.count += 1
                return
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = self.slots
        self.slots = Array(repeating: 0, count: max(8, old.count * 2))
        self.count = 0
        for value in old where value != 0 { self.insert(Int(value) - 1) }
    }

    func sorted() -> [Int] { self.slots.filter { $0 != 0 }.map { Int($0) - 1 }.sorted() }
}

extension DetectionEngine {
    /// Learns or judges one outbound, accepted connection to a public address (the record read where it lies).
    func learnOrJudge(_ pointer: UnsafePointer<FlowRecord>, local: IPAddress, remote: IPAddress, localPort: Int, remotePort: Int) {
        let viaInterface = pointer.pointee.instanceId == 0
        var id = viaInterface ? pointer.pointee.interfaceId : pointer.pointee.instanceId
        if id == 0 {
            // A format that names neither interface nor instance: the private address stands for the instance.
            id = Array(local.description.utf8).withUnsafeBufferPointer { self.names.intern($0.baseAddress!, $0.count) }
        }
        let start = pointer.pointee.start
        self.baselines.reserve(id)
        // Mutated in place through the array (a copy out and back would copy the port set on every record).
        if !self.baselines.instances[id].seen {
            self.baselines.instances[id].seen = true
            self.baselines.instances[id].viaInterface = viaInterface
            self.baselines.instances[id].firstSeen = start
            self.baselines.instances[id].ports.insert(remotePort)
        } else {
            if start < self.baselines.instances[id].firstSeen { self.baselines.instances[id].firstSeen = start }
            if start < self.baselines.instances[id].firstSeen + self.thresholds.baselineLearningSeconds {
                self.baselines.instances[id].ports.insert(remotePort)
            } else if !self.baselines.instances[id].ports.contains(remotePort) {
                let record = pointer.pointee
                self.aggregator.add(self.flowObservation(
                    "Behavior:EC2/NetworkPortUnusual", record: record, local: local, remote: remote, inbound: false, localPort: localPort,
                    remotePort: remotePort, key: "\(remotePort)",
                    description: "EC2 instance \(self.instanceName(record)) is communicating with \(remote) on port \(remotePort), which it had not used in its first \(self.thresholds.baselineLearningSeconds / 3600) hours.",
                    role: "ACTOR"
                ))
            }
        }
        self.addVolume(pointer, id: id, local: local, remote: remote)
    }

    /// Adds a record's bytes to its instance's window.
    @inline(__always)
    func addVolume(_ pointer: UnsafePointer<FlowRecord>, id: Int, local: IPAddress, remote: IPAddress) {
        let window = pointer.pointee.start / self.thresholds.windowSeconds
        let current = self.baselines.instances[id].window
        if window == current {
            self.baselines.instances[id].bytes = self.baselines.instances[id].bytes.addingClamped(pointer.pointee.bytes)
            return
        }
        let record = pointer.pointee
        if window < current {
            // A late record of a window the instance has moved on from.
            self.addPending(FlowBaselines.Volume(instance: id, window: window), record.bytes,
                            FlowBaselines.VolumeSample(record: record, local: local, remote: remote))
            return
        }
        if current == .min {
            self.baselines.open.append(id)
        } else {
            self.parkVolume(id)
        }
        self.baselines.instances[id].window = window
        self.baselines.instances[id].bytes = record.bytes
        self.baselines.instances[id].sample = FlowBaselines.VolumeSample(record: record, local: local, remote: remote)
    }

    /// Moves an instance's current window to the pending ones.
    func parkVolume(_ id: Int) {
        let window = self.baselines.instances[id].window
        guard window != .min, let sample = self.baselines.instances[id].sample else { return }
        self.addPending(FlowBaselines.Volume(instance: id, window: window), self.baselines.instances[id].bytes, sample)
    }

    /// Adds bytes to a pending window; its sample is the first one given.
    func addPending(_ key: FlowBaselines.Volume, _ bytes: Int, _ sample: @autoclosure () -> FlowBaselines.VolumeSample) {
        if let index = self.baselines.pending.index(forKey: key) {
            self.baselines.pending.values[index].bytes = self.baselines.pending.values[index].bytes.addingClamped(bytes)
        } else {
            self.baselines.pending[key] = (bytes, sample())
        }
    }

    /// Folds the windows before `end` (all when nil) into the learned averages, or judges them.
    func closeVolumes(before end: Int64?) {
        func due(_ window: Int64) -> Bool { end.map { window < $0 } ?? true }
        var closing: [(key: FlowBaselines.Volume, bytes: Int, sample: FlowBaselines.VolumeSample)] = []
        var stillOpen: [Int] = []
        for id in self.baselines.open {
            let window = self.baselines.instances[id].window
            guard due(window) else {
                stillOpen.append(id)
                continue
            }
            if let sample = self.baselines.instances[id].sample {
                closing.append((FlowBaselines.Volume(instance: id, window: window), self.baselines.instances[id].bytes, sample))
            }
            self.baselines.instances[id].window = .min
            self.baselines.instances[id].bytes = 0
            self.baselines.instances[id].sample = nil
        }
        self.baselines.open = stillOpen
        if !self.baselines.pending.isEmpty {
            // An instance's open window is never also pending (only windows it moved on from are), so no key repeats.
            for (key, value) in self.baselines.pending where due(key.window) { closing.append((key, value.bytes, value.sample)) }
            self.baselines.pending = self.baselines.pending.filter { !due($0.key.window) }
        }
        // In window order per instance (learning adds up in order); the order of the indices is sorted, not the samples.
        let order = closing.indices.sorted { (closing[$0].key.window, closing[$0].key.instance) < (closing[$1].key.window, closing[$1].key.instance) }
        for position in order {
            let (key, bytes, sample) = closing[position]
            let windowStart = key.window * self.thresholds.windowSeconds
            if windowStart < self.baselines.instances[key.instance].firstSeen + self.thresholds.baselineLearningSeconds {
                self.baselines.instances[key.instance].learnedBytes = self.baselines.instances[key.instance].learnedBytes.addingClamped(bytes)
                self.baselines.instances[key.instance].learnedWindows.insert(key.window)
                continue
            }
            let learnedWindows = self.baselines.instances[key.instance].learnedWindows.count
            guard learnedWindows > 0 else { continue }
            let average = self.baselines.instances[key.instance].learnedBytes / learnedWindows
            // Byte counts come from logs: a product past Int.max is a volume no window can exceed.
            let (threshold, overflow) = average.multipliedReportingOverflow(by: self.thresholds.trafficVolumeFactor)
            guard bytes >= self.thresholds.trafficVolumeMinimumBytes, !overflow, bytes > threshold else { continue }
            self.aggregator.add(self.flowObservation(
                "Behavior:EC2/TrafficVolumeUnusual", record: sample.record, local: sample.local, remote: sample.remote, inbound: false,
                localPort: sample.record.sourcePort, remotePort: sample.record.destinationPort, key: "volume",
                description: "EC2 instance \(self.instanceName(sample.record)) sent \(bytes) bytes in \(self.thresholds.windowSeconds / 60) minutes, \(bytes / max(1, average))× its learned average of \(average) bytes.",
                role: "ACTOR"
            ))
        }
    }
}
