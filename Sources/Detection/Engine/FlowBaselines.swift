import GuardDutyModel
import ThreatLists

/// Learned per-instance behaviour from flow logs (record time, never the wall clock): during the first
/// `baselineLearningSeconds` after an instance is first seen, the remote ports it connects out to and the bytes it
/// sends per window are learned; afterwards an outbound connection to a port never used is
/// Behavior:EC2/NetworkPortUnusual, and a window sending more than `trafficVolumeFactor` × the learned average (and at
/// least `trafficVolumeMinimumBytes`) is Behavior:EC2/TrafficVolumeUnusual. Learning depends on which records come
/// first, so unlike the other rules these depend on record order within the learning period.
struct FlowBaselines {
    struct Instance {
        var firstSeen: Int64
        var ports: Set<Int> = []
        var learnedBytes = 0
        var learnedWindows: Set<Int64> = []
    }

    struct Volume: Hashable {
        var instance: Int
        var window: Int64
    }

    var instances: [Int: Instance] = [:]
    /// Outbound bytes per instance and window (updated in place on the hot path) …
    var volumes: [Volume: Int] = [:]
    /// … and the window's first record, for the finding's details.
    var samples: [Volume: (sample: FlowRecord, local: IPAddress, remote: IPAddress)] = [:]
}

extension DetectionEngine {
    /// The instance a flow record belongs to, for baselines: its instance id, else its network interface.
    static func baselineKey(_ record: FlowRecord) -> Int { record.instanceId != 0 ? record.instanceId : -record.interfaceId }

    /// Learns or judges one outbound, accepted connection to a public address.
    func learnOrJudge(_ record: FlowRecord, local: IPAddress, remote: IPAddress, localPort: Int, remotePort: Int) {
        let key = Self.baselineKey(record)
        // Mutated in place through its index (a copy out and back would copy the port set on every record).
        guard let index = self.baselines.instances.index(forKey: key) else {
            self.baselines.instances[key] = FlowBaselines.Instance(firstSeen: record.start, ports: [remotePort])
            self.addVolume(record, key: key, local: local, remote: remote)
            return
        }
        if record.start < self.baselines.instances.values[index].firstSeen { self.baselines.instances.values[index].firstSeen = record.start }
        if record.start < self.baselines.instances.values[index].firstSeen + self.thresholds.baselineLearningSeconds {
            self.baselines.instances.values[index].ports.insert(remotePort)
        } else if !self.baselines.instances.values[index].ports.contains(remotePort) {
            self.aggregator.add(self.flowObservation(
                "Behavior:EC2/NetworkPortUnusual", record: record, local: local, remote: remote, inbound: false, localPort: localPort,
                remotePort: remotePort, key: "\(remotePort)",
                description: "EC2 instance \(self.instanceName(record)) is communicating with \(remote) on port \(remotePort), which it had not used in its first \(self.thresholds.baselineLearningSeconds / 3600) hours.",
                role: "ACTOR"
            ))
        }
        self.addVolume(record, key: key, local: local, remote: remote)
    }

    func addVolume(_ record: FlowRecord, key: Int, local: IPAddress, remote: IPAddress) {
        let volume = FlowBaselines.Volume(instance: key, window: record.start / self.thresholds.windowSeconds)
        if self.baselines.volumes[volume] == nil { self.baselines.samples[volume] = (record, local, remote) }
        self.baselines.volumes[volume, default: 0] += record.bytes
    }

    /// Folds a closed window's volumes into the learned averages, or judges them.
    func closeVolumes(before end: Int64?) {
        let due = self.baselines.volumes.filter { key, _ in end.map { key.window < $0 } ?? true }
        for (key, bytes) in due.sorted(by: { $0.key.window < $1.key.window }) {
            self.baselines.volumes.removeValue(forKey: key)
            guard let value = self.baselines.samples.removeValue(forKey: key).map({ (bytes: bytes, sample: $0.sample, local: $0.local, remote: $0.remote) }),
                  var instance = self.baselines.instances[key.instance]
            else { continue }
            let windowStart = key.window * self.thresholds.windowSeconds
            if windowStart < instance.firstSeen + self.thresholds.baselineLearningSeconds {
                instance.learnedBytes += value.bytes
                instance.learnedWindows.insert(key.window)
                self.baselines.instances[key.instance] = instance
                continue
            }
            guard !instance.learnedWindows.isEmpty else { continue }
            let average = instance.learnedBytes / instance.learnedWindows.count
            guard value.bytes >= self.thresholds.trafficVolumeMinimumBytes, value.bytes > average * self.thresholds.trafficVolumeFactor else { continue }
            self.aggregator.add(self.flowObservation(
                "Behavior:EC2/TrafficVolumeUnusual", record: value.sample, local: value.local, remote: value.remote, inbound: false,
                localPort: value.sample.sourcePort, remotePort: value.sample.destinationPort, key: "volume",
                description: "EC2 instance \(self.instanceName(value.sample)) sent \(value.bytes) bytes in \(self.thresholds.windowSeconds / 60) minutes, \(value.bytes / max(1, average))× its learned average of \(average) bytes.",
                role: "ACTOR"
            ))
        }
    }
}
