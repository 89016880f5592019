import GuardDutyModel

/// Impact:EC2/PortSweep: an instance probing one port of at least `portSweepHosts` remote hosts within a sliding span
/// of a window's length — hosts it only made attempts to (refused, or a few small packets: see `Connection.isAttempt`).
/// A sender of webhooks that completes HTTPS sessions with a hundred customers' hosts is not probing them.
final class PortSweepRule: FlowWindowRule {
    let findingTypes: [FindingType] = [.impactEC2PortSweep]

    /// Opened by the instance, by (interface, local, port, remote).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let thresholds = context.thresholds
        let minutes = thresholds.windowSeconds / 60
        let less = ConnectionGrouping.less
        let byPort = context.grouping.candidates(window.outboundAttempts, atLeast: thresholds.portSweepHosts) {
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
                let port = run.first!.port
                let interface = run.first!.interface
                // Hosts with a session that carried data on the port are not probed, whatever else was tried.
                var served = Set<IPAddress>()
                for list in [window.earlierOutbound, window.outbound] {
                    for connection in list where connection.port == port && connection.interface == interface && !connection.isAttempt {
                        served.insert(connection.remote)
                    }
                }
                guard
                    let busiest = ConnectionGrouping.busiestSpan(
                        run, seconds: thresholds.windowSeconds, from: window.judgedFrom, time: \.start,
                        include: { $0.isAttempt && !served.contains($0.remote) }, value: { ConnectionGrouping.key($0.remote) }),
                    busiest.count >= thresholds.portSweepHosts, let first = busiest.span.first
                else { return }
                let probed = busiest.count
                let run = busiest.span
                let example = run.min { less($0.remote, $1.remote) }!.remote
                context.add(
                    context.flowObservation(
                        .impactEC2PortSweep, record: context.record(first), local: first.local, remote: example, inbound: false, localPort: 0,
                        remotePort: Int(port), key: "port \(port)",
                        description: "\(first.local) is probing port \(port) on \(probed) IP addresses in \(minutes) minutes.",
                        role: "ACTOR"
                    ))
            })
    }
}
