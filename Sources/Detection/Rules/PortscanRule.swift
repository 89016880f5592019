import GuardDutyModel

/// Recon:EC2/Portscan: an instance opening connections to at least `portscanPorts` ports of one remote host within
/// a sliding span of a window's length, as attempts (refused, or a few small packets — see `Connection.isAttempt`).
/// Sessions that carry data to many ports of one host (passive FTP's data ports) are not probes; answers to a
/// client's ephemeral ports are not connections the instance opened.
final class PortscanRule: FlowWindowRule {
    let findingTypes: [FindingType] = [.reconEC2Portscan]

    /// Outbound, by (interface, local, remote, port).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let threshold = context.thresholds.portscanPorts
        let minutes = context.thresholds.windowSeconds / 60
        let byRemote = context.grouping.byRemoteHost(window.outboundAttempts, atLeast: threshold)
        ConnectionGrouping.hostPairRuns(
            byRemote,
            each: { run, ports in
                guard ports >= threshold,
                    let busiest = ConnectionGrouping.busiestSpan(
                        run, seconds: context.thresholds.windowSeconds, from: window.judgedFrom, time: \.start, include: \.isAttempt,
                        value: { UInt64($0.port) }),
                    busiest.count >= threshold, let first = busiest.span.first
                else { return }
                let probed = busiest.count
                let run = busiest.span
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
