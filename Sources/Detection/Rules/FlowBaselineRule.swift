import GuardDutyModel
import ThreatLists

/// Behavior:EC2/NetworkPortUnusual and Backdoor:EC2/Spambot: history per instance learned from the connections it
/// opens (see `FlowBaselines`), judged once its learning period is over. The two share what is learned of an instance
/// (when it was first seen, the ports it uses), so they are one rule.
///
/// Only connections the instance opened count, and only when the direction is at least `likely` (see `Initiator`): a
/// server's answers to its clients' ephemeral ports are not ports it connects to. Ports 80 and 443 are not judged
/// (see `webPorts`).
final class FlowBaselineRule: FlowRule, BaselineRule {
    let findingTypes: [FindingType] = [.behaviorEC2NetworkPortUnusual, .backdoorEC2Spambot]
    var state = FlowBaselines()

    func process(_ batch: FlowBatch, in context: RuleContext) {
        for view in batch.views where view.isLocalRequest && view.record.pointee.accepted && view.confidence >= .likely {
            self.learnOrJudge(view, in: context)
        }
    }

    /// The name id an instance is kept under (its instance id, else its interface's, else its private address's).
    func instanceId(_ view: FlowView, in context: RuleContext) -> (id: Int, viaInterface: Bool) {
        let record = view.record
        let viaInterface = record.pointee.instanceId == 0
        var id = viaInterface ? record.pointee.interfaceId : record.pointee.instanceId
        if id == 0 {
            // A format that names neither interface nor instance: the private address stands for the instance.
            id = Array(view.local.description.utf8).withUnsafeBufferPointer { context.names.intern($0.baseAddress!, $0.count) }
        }
        return (id, viaInterface)
    }

    /// Learns or judges one connection the instance opened to a public address.
    func learnOrJudge(_ view: FlowView, in context: RuleContext) {
        let (id, viaInterface) = self.instanceId(view, in: context)
        let start = view.record.pointee.start
        let port = view.remotePort
        self.state.reserve(id)
        // Mutated in place through the array (a copy out and back would copy the port set on every record).
        if !self.state.instances[id].seen {
            self.state.instances[id].seen = true
            self.state.instances[id].viaInterface = viaInterface
            self.state.instances[id].firstSeen = start
            self.state.instances[id].ports.insert(port)
        } else {
            if start < self.state.instances[id].firstSeen { self.state.instances[id].firstSeen = start }
            if start < self.state.instances[id].firstSeen + context.thresholds.baselineLearningSeconds {
                self.state.instances[id].ports.insert(port)
            } else if !self.state.instances[id].ports.contains(port) && !Self.webPorts.contains(port) {
                if port == 25 {
                    self.mail(view, id: id, in: context)
                } else if view.answer == 0 && Self.carriesData(view.record) {
                    // Addresses on a list are their own findings; a probe without data is the scan rules'.
                    self.reportUnusualPort(view, in: context)
                }
            }
        }
    }

    /// The web's ports are never unusual: every instance reaches a mirror, a CDN or an API on them sooner or later (a
    /// package update that runs every few days is not an anomaly), and a port rule cannot tell a web request from C2.
    static let webPorts: Set<Int> = [80, 443]

    /// More than a few small packets (a connection attempt is not "communicating on a port").
    @inline(__always)
    static func carriesData(_ record: UnsafePointer<FlowRecord>) -> Bool {
        record.pointee.packets > 4 || record.pointee.bytes > record.pointee.packets * 80
    }

    func reportUnusualPort(_ view: FlowView, in context: RuleContext) {
        let record = view.record.pointee
        let port = view.remotePort
        context.add(
            context.flowObservation(
                .behaviorEC2NetworkPortUnusual, record: record, local: view.local, remote: view.remote, inbound: false,
                localPort: view.localPort, remotePort: port, key: "\(port)",
                description: "EC2 instance \(context.instanceName(record)) opened a connection to \(view.remote) on port \(port), "
                    + "which it had not used in its first \(context.thresholds.baselineLearningSeconds / 3600) hours.",
                role: "ACTOR"
            ))
    }

    /// Port 25 from an instance that did not use it while learned: spam once enough mail servers are reached in a
    /// sliding `spambotSeconds`.
    func mail(_ view: FlowView, id: Int, in context: RuleContext) {
        let thresholds = context.thresholds
        let time = view.record.pointee.start
        var hosts = self.state.instances[id].mailHosts
        hosts.removeAll { $0.time < time - thresholds.spambotSeconds || $0.host == view.remote }
        hosts.append((time, view.remote))
        hosts.sort { $0.time < $1.time }
        // Bounded: far more hosts than the threshold add nothing.
        if hosts.count > 4 * thresholds.spambotHosts { hosts.removeFirst(hosts.count - 4 * thresholds.spambotHosts) }
        self.state.instances[id].mailHosts = hosts
        let recent = hosts.filter { $0.time > time - thresholds.spambotSeconds }.count
        guard recent >= thresholds.spambotHosts else { return }
        let record = view.record.pointee
        context.add(
            context.flowObservation(
                .backdoorEC2Spambot, record: record, local: view.local, remote: view.remote, inbound: false, localPort: view.localPort,
                remotePort: 25, key: "port 25",
                description: "EC2 instance \(context.instanceName(record)) reached \(recent) mail servers on port 25 within "
                    + "\(thresholds.spambotSeconds / 60) minutes, with no history of port 25 in its first "
                    + "\(thresholds.baselineLearningSeconds / 3600) hours.",
                role: "ACTOR"
            ))
    }

    func export(into learned: inout LearnedBaselines, names: NameTable) {
        for (id, instance) in self.state.instances.enumerated() where instance.seen {
            guard let name = names.name(id) else { continue }
            let key = instance.viaInterface ? "eni:\(name)" : name
            learned.instances[key] = .init(firstSeen: instance.firstSeen, ports: instance.ports.sorted(), peers: learned.instances[key]?.peers)
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
        }
    }
}
