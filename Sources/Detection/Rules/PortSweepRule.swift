import GuardDutyModel

/// Impact:EC2/PortSweep and Backdoor:EC2/Spambot: an instance connecting out to one port of many remote hosts in one
/// window — at least `spambotHosts` on port 25 is spam, at least `portSweepHosts` on any port a sweep.
final class PortSweepRule: FlowWindowRule {
    let findingTypes: [FindingType] = [.impactEC2PortSweep, .backdoorEC2Spambot]

    /// Outbound, by (interface, local, port, remote).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let thresholds = context.thresholds
        let minutes = thresholds.windowSeconds / 60
        let less = ConnectionGrouping.less
        let sweep = min(thresholds.spambotHosts, thresholds.portSweepHosts)
        let byPort = context.grouping.candidates(window.outbound, atLeast: sweep) {
            ConnectionGrouping.fingerprint(UInt64(UInt32(bitPattern: $0.interface)) << 16 | UInt64($0.port), $0.local, nil)
        }.sorted {
            $0.interface != $1.interface
                ? $0.interface < $1.interface
                : $0.local != $1.local
                    ? less($0.local, $1.local)
                    : $0.port != $1.port ? $0.port < $1.port : less($0.remote, $1.remote)
        }
        ConnectionGrouping.runs(
            byPort, sameGroup: { $0.interface == $1.interface && $0.local == $1.local && $0.port == $1.port },
            each: { run in
                var hosts = 0
                var previous: IPAddress?
                for connection in run where connection.remote != previous {
                    hosts += 1
                    previous = connection.remote
                }
                let port = Int(run.first!.port)
                let isSpam = port == 25 && hosts >= thresholds.spambotHosts
                guard isSpam || hosts >= thresholds.portSweepHosts, let first = run.min(by: { $0.start < $1.start }) else { return }
                let example = run.min { less($0.remote, $1.remote) }!.remote
                context.add(
                    context.flowObservation(
                        isSpam ? .backdoorEC2Spambot : .impactEC2PortSweep, record: context.record(first), local: first.local, remote: example,
                        inbound: false, localPort: 0, remotePort: port, key: "port \(port)",
                        description: isSpam
                            ? "\(first.local) is communicating with \(hosts) remote hosts on port 25 in \(minutes) minutes."
                            : "\(first.local) is probing port \(port) on \(hosts) IP addresses in \(minutes) minutes.",
                        role: "ACTOR"
                    ))
            })
    }
}
