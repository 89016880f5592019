import ThreatLists

/// The organisation's own public addresses, learned from its CloudTrail logs: Elastic IPs it allocated or associated
/// (`AllocateAddress`, `AssociateAddress`) and its NAT gateways' addresses (`CreateNatGateway`), read from the `publicIp`
/// members of those events' parameters and answers. Calls from these addresses are the organisation's own traffic
/// leaving through its gateways, not someone else's. Learned in any order of the events (the rules that read it judge
/// when they close), bounded at `capacity` addresses.
final class OrganisationAddresses {
    /// The EC2 events whose parameters or answers name an address the organisation holds.
    static let apis: Set<String> = ["AllocateAddress", "AssociateAddress", "CreateNatGateway"]
    /// The most addresses kept (an organisation holds far fewer Elastic IPs; AWS's default quota is 5 per region).
    static let capacity = 65_536

    private(set) var addresses: Set<IPAddress> = []

    /// Learns the addresses a successful address event names.
    func learn(_ event: CloudTrailEvent) {
        guard event.errorCode == nil, event.eventSource == "ec2.amazonaws.com", Self.apis.contains(event.eventName) else { return }
        for raw in [event.responseElements, event.requestParameters] {
            guard let raw else { continue }
            for address in Self.publicIPs(in: raw) where self.addresses.count < Self.capacity && !address.isPrivateOrBogon {
                self.addresses.insert(address)
            }
        }
    }

    func contains(_ address: IPAddress) -> Bool { self.addresses.contains(address) }

    /// The addresses of every `"publicIp": "…"` member at any depth of a JSON text (members whose value is not an
    /// address are skipped). A byte search, not a parse: the text is bounded and only these members matter.
    static func publicIPs(in json: [UInt8]) -> [IPAddress] {
        let key = Array(#""publicIp""#.utf8)
        var found: [IPAddress] = []
        var index = 0
        while index + key.count <= json.count {
            guard json[index] == key[0], json[index..<(index + key.count)].elementsEqual(key) else {
                index += 1
                continue
            }
            index += key.count
            func skipSpace() { while index < json.count, [32, 9, 10, 13].contains(json[index]) { index += 1 } }
            skipSpace()
            guard index < json.count, json[index] == UInt8(ascii: ":") else { continue }
            index += 1
            skipSpace()
            guard index < json.count, json[index] == UInt8(ascii: "\"") else { continue }
            let start = index + 1
            var end = start
            // An address is at most 45 characters; a longer or escaped value is not one.
            while end < json.count, end - start <= 45, json[end] != UInt8(ascii: "\""), json[end] != UInt8(ascii: "\\") { end += 1 }
            guard end < json.count, json[end] == UInt8(ascii: "\"") else { continue }
            if let address = IPAddress.parse(json[start..<end]) { found.append(address) }
            index = end + 1
        }
        return found
    }
}
