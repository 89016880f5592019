import GuardDutyModel

/// Recon:EC2/Portscan: an instance opening connections to at least `portscanPorts` ports of one remote host in one
/// window, as attempts (refused, or a few small packets — see `Connection.isAttempt`). Sessions that carry data to
/// many ports of one host (passive FTP's data ports) are not probes; answers to a client's ephemeral ports are not
/// connections the instance opened.
final class PortscanRule: FlowWindowRule {
    let findingTypes: [FindingType] = [.reconEC2Portscan]

    /// Outbound, by (interface, local, remote, port).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let threshold = context.thresholds.portscanPorts
        let minutes = context.thresholds.windowSeconds / 60
        let byRemote = context.grouping.byRemoteHost(window.outbound, atLeast: threshold)
        ConnectionGrouping.hostPairRuns(
            byRemote,
            each: { run, ports in
                guard ports >= threshold else { return }
                var probed = 0
                var previous: UInt16?
                for connection in run where connection.port != previous && connection.isAttempt {
                    probed += 1
                    previous = connection.port
                }
                guard probed >= threshold, let first = run.min(by: { $0.start < $1.start }) else { return }
                var record = context.record(first)
                record.accepted = run.contains { $0.accepted }
                context.add(
                    context.flowObservation(
                        .reconEC2Portscan, record: record, local: first.local, remote: first.remote, inbound: false, localPort: 0,
                        remotePort: Int(run.map(\.port).min() ?? 0), key: "\(first.remote)",
                        description: "\(first.local) is performing outbound port scans against remote host \(first.remote): \(probed) ports "
                            + "in \(minutes) minutes.",
                        role: "ACTOR"
                    ))
            })
    }
}
