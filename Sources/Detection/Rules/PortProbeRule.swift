import GuardDutyModel

/// Recon:EC2/PortProbeUnprotectedPort: a remote host trying at least `probedPorts` ports of an instance in one window
/// and getting through on some (Medium when one of them is a sensitive service's port, else Low).
final class PortProbeRule: FlowWindowRule {
    let findingTypes: [FindingType] = [.reconEC2PortProbeUnprotectedPort]

    /// Ports whose exposure raises the severity.
    static let sensitive: Set<Int> = [22, 23, 3389, 1433, 3306, 5432, 6379, 9200, 9300, 11211, 27017]

    /// Inbound, by (interface, local, remote, port).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let threshold = context.thresholds.probedPorts
        let probes = context.grouping.byRemoteHost(window.inbound, atLeast: threshold)
        ConnectionGrouping.hostPairRuns(
            probes,
            each: { run, ports in
                let open = Set(run.filter(\.accepted).map { Int($0.port) })
                guard ports >= threshold, !open.isEmpty, let first = run.min(by: { $0.start < $1.start }) else { return }
                let port = open.min()!
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
                        description: "\(first.remote) probed \(ports) ports of \(first.local); port \(port) is open to it.",
                        severity: open.isDisjoint(with: Self.sensitive) ? nil : 5
                    ))
            })
    }
}
