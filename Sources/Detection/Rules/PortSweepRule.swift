import GuardDutyModel

/// Impact:EC2/PortSweep: an instance probing one port of at least `portSweepHosts` remote hosts in one window — hosts it
/// only made attempts to (refused, or a few small packets: see `Connection.isAttempt`). A sender of webhooks that
/// completes HTTPS sessions with a hundred customers' hosts is not probing them.
final class PortSweepRule: FlowWindowRule {
    let findingTypes: [FindingType] = [.impactEC2PortSweep]

    /// Opened by the instance, by (interface, local, port, remote).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let thresholds = context.thresholds
        let minutes = thresholds.windowSeconds / 60
        let less = ConnectionGrouping.less
        let byPort = context.grouping.candidates(window.outbound, atLeast: thresholds.portSweepHosts) {
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
                // Hosts whose every connection on the port was an attempt.
                var probed = 0
                ConnectionGrouping.runs(
                    Array(run), sameGroup: { $0.remote == $1.remote },
                    each: { host in
                        if host.allSatisfy(\.isAttempt) { probed += 1 }
                    })
                let port = Int(run.first!.port)
                guard probed >= thresholds.portSweepHosts, let first = run.min(by: { $0.start < $1.start }) else { return }
                let example = run.min { less($0.remote, $1.remote) }!.remote
                context.add(
                    context.flowObservation(
                        .impactEC2PortSweep, record: context.record(first), local: first.local, remote: example, inbound: false, localPort: 0,
                        remotePort: port, key: "port \(port)",
                        description: "\(first.local) is probing port \(port) on \(probed) IP addresses in \(minutes) minutes.",
                        role: "ACTOR"
                    ))
            })
    }
}
