import GuardDutyModel

/// Recon:EC2/PortProbeUnprotectedPort: a remote host probing at least `probedPorts` ports of an instance within a
/// sliding span of a window's length — connections it opened that are probes (see `Connection.isProbe`), not a
/// client's sessions — and getting through on some. Severity as GuardDuty documents it: High when Elasticsearch's
/// 9200 or 9300 is open to it, else Low. Clients using a service, and a service's answers to their ephemeral ports,
/// are not probes.
final class PortProbeRule: FlowWindowRule {
    let findingTypes: [FindingType] = [.reconEC2PortProbeUnprotectedPort]

    /// Ports whose exposure makes the finding High (Elasticsearch).
    static let elasticsearch: Set<Int> = [9200, 9300]

    /// Inbound, by (interface, local, remote, port).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let threshold = context.thresholds.probedPorts
        let probes = context.grouping.byRemoteHost(window.inboundProbes, atLeast: threshold)
        ConnectionGrouping.hostPairRuns(
            probes,
            each: { run, ports in
                guard ports >= threshold,
                    let busiest = ConnectionGrouping.busiestSpan(
                        run, seconds: context.thresholds.windowSeconds, from: window.judgedFrom, time: \.start, include: \.isProbe,
                        value: { UInt64($0.port) }),
                    busiest.count >= threshold, let first = busiest.span.first
                else { return }
                let probed = busiest.count
                let open = Set(busiest.span.filter(\.accepted).map { Int($0.port) })
                guard !open.isEmpty else { return }
                let port = open.intersection(Self.elasticsearch).min() ?? open.min()!
                context.add(
                    Observation(
                        type: .reconEC2PortProbeUnprotectedPort, key: "\(context.names.name(Int(first.interface)) ?? "-")|TARGET|\(port)",
                        time: first.start,
                        accountId: context.names.name(Int(first.account)) ?? context.defaultAccount, region: context.defaultRegion,
                        resource: context.flowResource(interface: Int(first.interface), instance: Int(first.instance), local: first.local),
                        resourceRole: "TARGET",
                        action: .portProbe(
                            Finding.PortProbeAction(
                                blocked: false,
                                portProbeDetails: open.sorted().prefix(8).map {
                                    Finding.PortProbeDetail(localPort: $0, local: first.local.description, remote: first.remote.description)
                                })),
                        evidence: nil,
                        description: "\(first.remote) probed \(probed) ports of \(first.local); port \(port) is open to it.",
                        severity: open.isDisjoint(with: Self.elasticsearch) ? nil : 8
                    ))
            })
    }
}
