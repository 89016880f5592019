import GuardDutyModel

/// Recon:EC2/Portscan: an instance connecting out to at least `portscanPorts` ports of one remote host in one window.
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
                guard ports >= threshold, let first = run.min(by: { $0.start < $1.start }) else { return }
                var record = context.record(first)
                record.accepted = run.contains { $0.accepted }
                context.add(
                    context.flowObservation(
                        .reconEC2Portscan, record: record, local: first.local, remote: first.remote, inbound: false, localPort: 0,
                        remotePort: Int(run.map(\.port).min() ?? 0), key: "\(first.remote)",
                        description: "\(first.local) is performing outbound port scans against remote host \(first.remote): \(ports) ports "
                            + "in \(minutes) minutes.",
                        role: "ACTOR"
                    ))
            })
    }
}
