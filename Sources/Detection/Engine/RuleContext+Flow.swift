import GuardDutyModel

/// What the flow rules share to describe a finding: names of instances and interfaces, the resource, the action.
extension RuleContext {
    func instanceName(_ record: FlowRecord) -> String {
        self.names.name(record.instanceId) ?? self.names.name(record.interfaceId).map { "with network interface \($0)" } ?? "(unknown)"
    }

    func flowResource(interface: Int, instance: Int, local: IPAddress) -> Finding.Resource {
        Finding.Resource(
            resourceType: "Instance",
            instanceDetails: Finding.InstanceDetails(
                instanceId: self.names.name(instance),
                networkInterfaces: [Finding.NetworkInterface(networkInterfaceId: self.names.name(interface), privateIpAddress: local.description)]
            )
        )
    }

    func flowObservation(
        _ type: FindingType, record: FlowRecord, local: IPAddress, remote: IPAddress, inbound: Bool, localPort: Int, remotePort: Int,
        key: String, description: String, evidence: Finding.Evidence? = nil, role: String, weight: Int = 1
    ) -> Observation {
        Observation(
            type: type, key: "\(self.names.name(record.interfaceId) ?? "-")|\(role)|\(key)", time: record.start,
            accountId: self.names.name(record.accountId) ?? self.defaultAccount, region: self.defaultRegion,
            resource: self.flowResource(interface: record.interfaceId, instance: record.instanceId, local: local), resourceRole: role,
            action: .network(
                Finding.NetworkConnectionAction(
                    blocked: !record.accepted, direction: inbound ? "INBOUND" : "OUTBOUND", protocolName: Self.protocolName(record.protocolNumber),
                    local: local.description, localPort: localPort, remote: remote.description, remotePort: remotePort
                )),
            evidence: evidence, description: description, weight: weight
        )
    }

    static func protocolName(_ number: Int) -> String {
        switch number {
        case 6: return "TCP"
        case 17: return "UDP"
        case 1: return "ICMP"
        case 58: return "ICMPV6"
        default: return "Unknown"
        }
    }

    /// A synthetic record carrying what the observation helpers read.
    func record(_ connection: Connection, protocolNumber: Int = 6) -> FlowRecord {
        FlowRecord(
            accountId: Int(connection.account), interfaceId: Int(connection.interface), source: nil, destination: nil, sourcePort: 0,
            destinationPort: Int(connection.port), protocolNumber: protocolNumber, packets: 0, bytes: 0, start: connection.start,
            end: connection.start, accepted: connection.accepted, instanceId: Int(connection.instance))
    }
}
