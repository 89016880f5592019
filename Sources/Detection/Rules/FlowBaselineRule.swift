import GuardDutyModel
import ThreatLists

/// Behavior:EC2/NetworkPortUnusual and Behavior:EC2/TrafficVolumeUnusual: per-instance baselines learned from flow
/// logs (see `FlowBaselines`), judged once an instance's learning period is over. The two types share what is learned
/// of an instance (when it was first seen), so they are one rule.
final class FlowBaselineRule: FlowRule, BaselineRule {
    let findingTypes: [FindingType] = [.behaviorEC2NetworkPortUnusual, .behaviorEC2TrafficVolumeUnusual]
    var state = FlowBaselines()

    var hasOpenWindows: Bool { self.state.hasOpenVolumes }

    /// Outbound, accepted connections are learned or judged; volumes close as newer windows begin.
    func process(_ batch: FlowBatch, in context: RuleContext) {
        let length = context.thresholds.windowSeconds
        for view in batch.views {
            if !view.inbound && view.record.pointee.accepted {
                self.learnOrJudge(
                    view.record, local: view.local, remote: view.remote, localPort: view.localPort, remotePort: view.remotePort,
                    in: context)
            }
            if view.advances { self.closeVolumes(before: view.record.pointee.start / length - 1, in: context) }
        }
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        self.closeVolumes(before: watermark.map { $0 / context.thresholds.windowSeconds }, in: context)
    }

    /// Learns or judges one outbound, accepted connection to a public address (the record read where it lies).
    func learnOrJudge(
        _ pointer: UnsafePointer<FlowRecord>, local: IPAddress, remote: IPAddress, localPort: Int, remotePort: Int,
        in context: RuleContext
    ) {
        let viaInterface = pointer.pointee.instanceId == 0
        var id = viaInterface ? pointer.pointee.interfaceId : pointer.pointee.instanceId
        if id == 0 {
            // A format that names neither interface nor instance: the private address stands for the instance.
            id = Array(local.description.utf8).withUnsafeBufferPointer { context.names.intern($0.baseAddress!, $0.count) }
        }
        let start = pointer.pointee.start
        self.state.reserve(id)
        // Mutated in place through the array (a copy out and back would copy the port set on every record).
        if !self.state.instances[id].seen {
            self.state.instances[id].seen = true
            self.state.instances[id].viaInterface = viaInterface
            self.state.instances[id].firstSeen = start
            self.state.instances[id].ports.insert(remotePort)
        } else {
            if start < self.state.instances[id].firstSeen { self.state.instances[id].firstSeen = start }
            if start < self.state.instances[id].firstSeen + context.thresholds.baselineLearningSeconds {
                self.state.instances[id].ports.insert(remotePort)
            } else if !self.state.instances[id].ports.contains(remotePort) {
                let record = pointer.pointee
                context.add(
                    context.flowObservation(
                        .behaviorEC2NetworkPortUnusual, record: record, local: local, remote: remote, inbound: false, localPort: localPort,
                        remotePort: remotePort, key: "\(remotePort)",
                        description: "EC2 instance \(context.instanceName(record)) is communicating with \(remote) on port \(remotePort), "
                            + "which it had not used in its first \(context.thresholds.baselineLearningSeconds / 3600) hours.",
                        role: "ACTOR"
                    ))
            }
        }
        self.addVolume(pointer, id: id, local: local, remote: remote, in: context)
    }

    /// Adds a record's bytes to its instance's window.
    @inline(__always)
    func addVolume(_ pointer: UnsafePointer<FlowRecord>, id: Int, local: IPAddress, remote: IPAddress, in context: RuleContext) {
        let window = pointer.pointee.start / context.thresholds.windowSeconds
        let current = self.state.instances[id].window
        if window == current {
            self.state.instances[id].bytes = self.state.instances[id].bytes.addingClamped(pointer.pointee.bytes)
            return
        }
        let record = pointer.pointee
        if window < current {
            // A late record of a window the instance has moved on from.
            self.addPending(
                FlowBaselines.Volume(instance: id, window: window), record.bytes,
                FlowBaselines.VolumeSample(record: record, local: local, remote: remote))
            return
        }
        if current == .min {
            self.state.open.append(id)
        } else {
            self.parkVolume(id)
        }
        self.state.instances[id].window = window
        self.state.instances[id].bytes = record.bytes
        self.state.instances[id].sample = FlowBaselines.VolumeSample(record: record, local: local, remote: remote)
    }

    /// Moves an instance's current window to the pending ones.
    func parkVolume(_ id: Int) {
        let window = self.state.instances[id].window
        guard window != .min, let sample = self.state.instances[id].sample else { return }
        self.addPending(FlowBaselines.Volume(instance: id, window: window), self.state.instances[id].bytes, sample)
    }

    /// Adds bytes to a pending window; its sample is the first one given.
    func addPending(_ key: FlowBaselines.Volume, _ bytes: Int, _ sample: @autoclosure () -> FlowBaselines.VolumeSample) {
        if let index = self.state.pending.index(forKey: key) {
            self.state.pending.values[index].bytes = self.state.pending.values[index].bytes.addingClamped(bytes)
        } else {
            self.state.pending[key] = (bytes, sample())
        }
    }

    /// Folds the windows before `end` (all when nil) into the learned averages, or judges them.
    func closeVolumes(before end: Int64?, in context: RuleContext) {
        func due(_ window: Int64) -> Bool { end.map { window < $0 } ?? true }
        var closing: [(key: FlowBaselines.Volume, bytes: Int, sample: FlowBaselines.VolumeSample)] = []
        var stillOpen: [Int] = []
        for id in self.state.open {
            let window = self.state.instances[id].window
            guard due(window) else {
                stillOpen.append(id)
                continue
            }
            if let sample = self.state.instances[id].sample {
                closing.append((FlowBaselines.Volume(instance: id, window: window), self.state.instances[id].bytes, sample))
            }
            self.state.instances[id].window = .min
            self.state.instances[id].bytes = 0
            self.state.instances[id].sample = nil
        }
        self.state.open = stillOpen
        if !self.state.pending.isEmpty {
            // An instance's open window is never also pending (only windows it moved on from are), so no key repeats.
            for (key, value) in self.state.pending where due(key.window) { closing.append((key, value.bytes, value.sample)) }
            self.state.pending = self.state.pending.filter { !due($0.key.window) }
        }
        // In window order per instance (learning adds up in order); the order of the indices is sorted, not the samples.
        let order = closing.indices.sorted { (closing[$0].key.window, closing[$0].key.instance) < (closing[$1].key.window, closing[$1].key.instance) }
        for position in order {
            let (key, bytes, sample) = closing[position]
            let windowStart = key.window * context.thresholds.windowSeconds
            if windowStart < self.state.instances[key.instance].firstSeen + context.thresholds.baselineLearningSeconds {
                self.state.instances[key.instance].learnedBytes = self.state.instances[key.instance].learnedBytes.addingClamped(bytes)
                self.state.instances[key.instance].learnedWindows.insert(key.window)
                continue
            }
            let learnedWindows = self.state.instances[key.instance].learnedWindows.count
            guard learnedWindows > 0 else { continue }
            let average = self.state.instances[key.instance].learnedBytes / learnedWindows
            // Byte counts come from logs: a product past Int.max is a volume no window can exceed.
            let (threshold, overflow) = average.multipliedReportingOverflow(by: context.thresholds.trafficVolumeFactor)
            guard bytes >= context.thresholds.trafficVolumeMinimumBytes, !overflow, bytes > threshold else { continue }
            context.add(
                context.flowObservation(
                    .behaviorEC2TrafficVolumeUnusual, record: sample.record, local: sample.local, remote: sample.remote, inbound: false,
                    localPort: sample.record.sourcePort, remotePort: sample.record.destinationPort, key: "volume",
                    description:
                        "EC2 instance \(context.instanceName(sample.record)) sent \(bytes) bytes in \(context.thresholds.windowSeconds / 60) "
                        + "minutes, \(bytes / max(1, average))× its learned average of \(average) bytes.",
                    role: "ACTOR"
                ))
        }
    }

    func export(into learned: inout LearnedBaselines, names: NameTable) {
        for (id, instance) in self.state.instances.enumerated() where instance.seen {
            guard let name = names.name(id) else { continue }
            learned.instances[instance.viaInterface ? "eni:\(name)" : name] = .init(
                firstSeen: instance.firstSeen, ports: instance.ports.sorted(), learnedBytes: instance.learnedBytes,
                learnedWindows: instance.learnedWindows.sorted()
            )
        }
    }

    func restore(_ learned: LearnedBaselines, names: NameTable) {
        for (name, instance) in learned.instances {
            let viaInterface = name.hasPrefix("eni:")
            let id = names.intern(Array((viaInterface ? name.dropFirst(4) : Substring(name)).utf8))
            guard id > 0 else { continue }
            self.state.reserve(id)
            self.state.instances[id].seen = true
            self.state.instances[id].viaInterface = viaInterface
            self.state.instances[id].firstSeen = instance.firstSeen
            self.state.instances[id].ports = PortSet(instance.ports)
            self.state.instances[id].learnedBytes = instance.learnedBytes
            self.state.instances[id].learnedWindows = Set(instance.learnedWindows)
        }
    }
}
