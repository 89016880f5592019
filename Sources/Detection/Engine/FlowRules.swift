import GuardDutyModel
import ThreatLists

/// The VPC Flow Logs rules.
///
/// Records are taken in batches: the address-list lookups of a whole batch are made first (`IPMatcher.answers`), so
/// that the memory accesses of many records are in flight at once; then each record goes through the rules. The
/// window rules (brute force, port scans and sweeps, spam, probes) buffer compact connections per window and judge
/// them when the window closes: counting 64-bit group fingerprints finds the groups big enough to matter, and only
/// those are grouped exactly (sorted and run through).
extension DetectionEngine {
    /// How many flow records are buffered before they are evaluated.
    static let flowBatch = 256

    /// Takes one flow record. It is evaluated with its batch: asking for findings, baselines or open windows, or
    /// swapping the intelligence, evaluates what is buffered first.
    public func process(_ record: FlowRecord) {
        if self.pendingFlows.capacity < Self.flowBatch { self.pendingFlows.reserveCapacity(Self.flowBatch) }
        self.pendingFlows.append(record)
        if self.pendingFlows.count >= Self.flowBatch { self.drainFlows() }
    }

    /// Which side of a connection is ours: the private one; when both are public, the server port's side.
    /// Nil when both are private (or an address is missing): nothing remote to judge.
    @inline(__always)
    static func sides(_ record: FlowRecord) -> (inbound: Bool, local: IPAddress, remote: IPAddress)? {
        guard let source = record.source, let destination = record.destination else { return nil }
        let sourcePrivate = source.isPrivateOrBogon
        let destinationPrivate = destination.isPrivateOrBogon
        if sourcePrivate && destinationPrivate { return nil }
        let inbound = sourcePrivate != destinationPrivate ? destinationPrivate : record.destinationPort <= record.sourcePort
        return inbound ? (true, destination, source) : (false, source, destination)
    }

    /// Takes a batch of flow records (as `FlowLogParser.parse(_:batches:)` hands them over), after any buffered ones.
    public func process(batch records: UnsafeBufferPointer<FlowRecord>) {
        self.drainFlows()
        self.evaluate(records)
    }

    /// Evaluates the buffered flow records.
    func drainFlows() {
        guard !self.pendingFlows.isEmpty else { return }
        var records: [FlowRecord] = []
        swap(&records, &self.pendingFlows)
        records.withUnsafeBufferPointer { self.evaluate($0) }
        records.removeAll(keepingCapacity: true)
        swap(&records, &self.pendingFlows)
    }

    /// The address answers of a whole batch first (IPv4 in one batched lookup), then the rules record by record.
    func evaluate(_ records: UnsafeBufferPointer<FlowRecord>) {
        let intelligence = self.intelligence
        var answers = [UInt32](repeating: 0, count: records.count)
        var v4: [UInt32] = []
        var positions: [Int] = []
        v4.reserveCapacity(records.count)
        positions.reserveCapacity(records.count)
        for index in records.indices {
            guard let remote = Self.sides(records[index])?.remote, !remote.isPrivateOrBogon else { continue }
            if remote.isV6 {
                answers[index] = intelligence.addresses.answer(v6: remote.value)
            } else {
                v4.append(UInt32(truncatingIfNeeded: remote.value))
                positions.append(index)
            }
        }
        if !v4.isEmpty {
            var found = [UInt32](repeating: 0, count: v4.count)
            v4.withUnsafeBufferPointer { addresses in
                found.withUnsafeMutableBufferPointer { intelligence.addresses.answers(v4: addresses, into: $0) }
            }
            for (position, answer) in zip(positions, found) { answers[position] = answer }
        }
        for index in records.indices {
            self.evaluate(records.baseAddress! + index, answer: answers[index])
        }
    }

    /// One record through the rules; `answer` is the address lists' answer for its remote side. The record is read
    /// where it lies (copies of the 144-byte record were 4 – 7 % of a flow scan's profile).
    func evaluate(_ pointer: UnsafePointer<FlowRecord>, answer: UInt32) {
        guard let (inbound, local, remote) = Self.sides(pointer.pointee) else { return }
        if !self.intelligence.trustedIPs.isEmpty && self.intelligence.isTrusted(remote) { return }
        let start = pointer.pointee.start
        let sourcePort = pointer.pointee.sourcePort, destinationPort = pointer.pointee.destinationPort
        let accepted = pointer.pointee.accepted, protocolNumber = pointer.pointee.protocolNumber
        let window = start / self.thresholds.windowSeconds
        let localPort = inbound ? destinationPort : sourcePort
        let remotePort = inbound ? sourcePort : destinationPort
        if answer != 0 {
            self.addressListHits(self.intelligence.verdicts[Int(answer)], pointer.pointee, local: local, remote: remote, inbound: inbound,
                                 localPort: localPort, remotePort: remotePort)
        }
        if !inbound && accepted {
            self.learnOrJudge(pointer, local: local, remote: remote, localPort: localPort, remotePort: remotePort)
        }
        // Close windows two behind the newest: logs arrive in time order, with some overlap between files.
        if window > self.newestWindow {
            self.newestWindow = window
            while let oldest = self.windows.first, oldest.start < window - 1 { self.closeWindow(self.windows.removeFirst()) }
            self.closeVolumes(before: window - 1)
        }
        let connection = Connection(
            interface: Int32(truncatingIfNeeded: pointer.pointee.interfaceId), instance: Int32(truncatingIfNeeded: pointer.pointee.instanceId),
            account: Int32(truncatingIfNeeded: pointer.pointee.accountId), port: UInt16(truncatingIfNeeded: destinationPort),
            accepted: accepted, start: start, local: local, remote: remote
        )
        // Appended in place, through the window's index (a copy of the buffer would copy its arrays on every record).
        let slot = self.windowSlot(window)
        if protocolNumber == 6 && (destinationPort == 22 || destinationPort == 3389) {
            self.windows[slot].bruteForce.append((connection, inbound))
        }
        if inbound {
            self.windows[slot].inbound.append(connection)
        } else {
            self.windows[slot].outbound.append(connection)
        }
        let packets = pointer.pointee.packets
        if !inbound && packets >= 1_000 {
            let flood = Flood(minute: start / 60, interface: pointer.pointee.interfaceId, local: local, remote: remote, protocolNumber: protocolNumber,
                              port: destinationPort)
            let current = self.floods[flood]
            // Packets from logs saturate: a few records with 18-digit counts must not trap.
            self.floods[flood] = ((current?.packets ?? 0).addingClamped(packets), min(current?.first ?? start, start), pointer.pointee.accountId)
        }
    }

    /// The index of a window's buffer in `windows`, opened when new (kept in order: a late file may open an older one).
    @inline(__always)
    func windowSlot(_ window: Int64) -> Int {
        var slot = self.windows.count - 1
        while slot >= 0 {
            if self.windows[slot].start == window { return slot }
            if self.windows[slot].start < window { break }
            slot -= 1
        }
        self.windows.insert(WindowBuffer(start: window), at: slot + 1)
        return slot + 1
    }

    /// Findings from the address lists: threat lists, Tor relays, mining pools, black holes.
    func addressListHits(_ verdict: Intelligence.AddressVerdict, _ record: FlowRecord, local: IPAddress, remote: IPAddress, inbound: Bool,
                         localPort: Int, remotePort: Int) {
        let lists = verdict.threatLists
        if !lists.isEmpty {
            self.aggregator.add(self.flowObservation(
                "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", record: record, local: local, remote: remote, inbound: inbound,
                localPort: localPort, remotePort: remotePort, key: "\(remote)",
                description: "EC2 instance \(self.instanceName(record)) is communicating \(inbound ? "inbound from" : "outbound with") \(remote), an IP address on the threat list \(lists.joined(separator: ", ")).",
                evidence: Finding.Evidence(threatIntelligenceDetails: lists.map { Finding.ThreatIntelligenceDetail(threatListName: $0) }),
                role: inbound ? "TARGET" : "ACTOR"
            ))
        }
        // Built-in address intelligence: Tor relays, mining pools (the instance reaching out to them), black holes.
        var builtIn: [(String, String)] = []
        if verdict.tor { builtIn.append(("UnauthorizedAccess:EC2/TorClient", "a Tor relay")) }
        if verdict.miningPool { builtIn.append(("CryptoCurrency:EC2/BitcoinTool.B", "a cryptocurrency mining pool")) }
        if !inbound && verdict.blackhole {
            builtIn.append(("Trojan:EC2/BlackholeTraffic", "a black-holed address (a sinkhole of known-malicious infrastructure)"))
        }
        for (type, what) in builtIn {
            self.aggregator.add(self.flowObservation(
                type, record: record, local: local, remote: remote, inbound: inbound, localPort: localPort, remotePort: remotePort,
                key: "\(remote)",
                description: "EC2 instance \(self.instanceName(record)) is communicating \(inbound ? "inbound from" : "outbound with") \(remote), \(what).",
                role: inbound ? "TARGET" : "ACTOR"
            ))
        }
    }

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
        _ type: String, record: FlowRecord, local: IPAddress, remote: IPAddress, inbound: Bool, localPort: Int, remotePort: Int,
        key: String, description: String, evidence: Finding.Evidence? = nil, role: String, weight: Int = 1
    ) -> Observation {
        Observation(
            type: type, key: "\(self.names.name(record.interfaceId) ?? "-")|\(role)|\(key)", time: record.start,
            accountId: self.names.name(record.accountId) ?? self.defaultAccount, region: self.defaultRegion,
            resource: self.flowResource(interface: record.interfaceId, instance: record.instanceId, local: local), resourceRole: role,
            action: .network(Finding.NetworkConnectionAction(
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
        FlowRecord(accountId: Int(connection.account), interfaceId: Int(connection.interface), source: nil, destination: nil, sourcePort: 0,
                   destinationPort: Int(connection.port), protocolNumber: protocolNumber, packets: 0, bytes: 0, start: connection.start,
                   end: connection.start, accepted: connection.accepted, instanceId: Int(connection.instance))
    }

    /// Runs of equal keys in a sorted array.
    static func runs<T>(_ items: [T], sameGroup: (T, T) -> Bool, _ body: (ArraySlice<T>) -> Void) {
        var start = 0
        while start < items.count {
            var end = start + 1
            while end < items.count && sameGroup(items[start], items[end]) { end += 1 }
            body(items[start..<end])
            start = end
        }
    }

    /// The items of the groups that may hold at least `count` items: each item's group fingerprint is counted in an
    /// open-addressing table, and only items whose fingerprint was counted that often are kept (usually none: then
    /// the second pass is skipped). A fingerprint collision only merges two groups; the rules then group the candidates
    /// exactly, so the result is the same as grouping everything exactly — at a fraction of the cost, as nearly every
    /// group is small.
    func candidates<T>(_ items: [T], atLeast count: Int, fingerprint: (T) -> UInt64) -> [T] {
        guard items.count >= max(count, 1) else { return [] }
        let counter = self.groupCounter
        let mask = counter.reset(for: items.count)
        var largest: Int32 = 0
        counter.keys.withUnsafeMutableBufferPointer { keys in
            counter.counts.withUnsafeMutableBufferPointer { counts in
                counter.slots.withUnsafeMutableBufferPointer { slots in
                    for index in items.indices {
                        // 0 marks an empty slot.
                        let print = max(fingerprint(items[index]), 1)
                        var slot = Int(truncatingIfNeeded: print) & mask
                        while keys[slot] != 0 && keys[slot] != print { slot = (slot + 1) & mask }
                        keys[slot] = print
                        counts[slot] += 1
                        largest = max(largest, counts[slot])
                        slots[index] = Int32(truncatingIfNeeded: slot)
                    }
                }
            }
        }
        guard largest >= count else { return [] }
        var result: [T] = []
        for index in items.indices where counter.counts[Int(counter.slots[index])] >= count { result.append(items[index]) }
        return result
    }

    /// A deterministic 64-bit fingerprint of a group key (never the process-seeded `Hasher`: the same logs give the
    /// same findings).
    @inline(__always)
    static func fingerprint(_ head: UInt64, _ first: IPAddress, _ second: IPAddress?) -> UInt64 {
        @inline(__always) func mix(_ value: UInt64) -> UInt64 {
            var z = value &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        @inline(__always) func fold(_ address: IPAddress) -> UInt64 {
            mix(UInt64(truncatingIfNeeded: address.value) ^ mix(UInt64(truncatingIfNeeded: address.value >> 64) ^ (address.isV6 ? 1 : 0)))
        }
        var hash = mix(head) ^ fold(first)
        if let second { hash = mix(hash) ^ fold(second) }
        return mix(hash)
    }

    /// The connections of (interface, local, remote) groups of at least `count`, sorted by group, then port.
    func byRemoteHost(_ connections: [Connection], atLeast count: Int) -> [Connection] {
        self.candidates(connections, atLeast: count) {
            Self.fingerprint(UInt64(UInt32(bitPattern: $0.interface)), $0.local, $0.remote)
        }.sorted {
            $0.interface != $1.interface ? $0.interface < $1.interface
                : $0.local != $1.local ? Self.less($0.local, $1.local)
                : $0.remote != $1.remote ? Self.less($0.remote, $1.remote) : $0.port < $1.port
        }
    }

    /// Addresses in a fixed order: IPv4 first, then by value.
    static func less(_ a: IPAddress, _ b: IPAddress) -> Bool { a.isV6 == b.isV6 ? a.value < b.value : !a.isV6 }

    /// Evaluates the window rules of one window.
    func closeWindow(_ buffer: WindowBuffer) {
        let minutes = self.thresholds.windowSeconds / 60
        let less = Self.less

        // Brute force: attempts per (interface, local, remote, port, direction).
        let attempts = self.candidates(buffer.bruteForce, atLeast: self.thresholds.bruteForceAttempts) {
            Self.fingerprint(UInt64(UInt32(bitPattern: $0.connection.interface)) << 17 | UInt64($0.connection.port) << 1 | ($0.inbound ? 1 : 0),
                             $0.connection.local, $0.connection.remote)
        }.sorted {
            ($0.connection.interface, $0.connection.port, $0.inbound ? 1 : 0) != ($1.connection.interface, $1.connection.port, $1.inbound ? 1 : 0)
                ? ($0.connection.interface, $0.connection.port, $0.inbound ? 1 : 0) < ($1.connection.interface, $1.connection.port, $1.inbound ? 1 : 0)
                : $0.connection.local != $1.connection.local ? less($0.connection.local, $1.connection.local) : less($0.connection.remote, $1.connection.remote)
        }
        Self.runs(attempts, sameGroup: {
            $0.connection.interface == $1.connection.interface && $0.connection.port == $1.connection.port && $0.inbound == $1.inbound
                && $0.connection.local == $1.connection.local && $0.connection.remote == $1.connection.remote
        }) { run in
            guard run.count >= self.thresholds.bruteForceAttempts, let first = run.min(by: { $0.connection.start < $1.connection.start }) else { return }
            let port = Int(first.connection.port)
            let inbound = first.inbound
            var observation = self.flowObservation(
                port == 22 ? "UnauthorizedAccess:EC2/SSHBruteForce" : "UnauthorizedAccess:EC2/RDPBruteForce", record: self.record(first.connection),
                local: first.connection.local, remote: first.connection.remote, inbound: inbound,
                localPort: inbound ? port : 0, remotePort: inbound ? 0 : port, key: "\(first.connection.remote)",
                description: inbound
                    ? "\(first.connection.remote) is performing \(port == 22 ? "SSH" : "RDP") brute force attacks against \(first.connection.local): \(run.count) connection attempts in \(minutes) minutes."
                    : "\(first.connection.local) is performing \(port == 22 ? "SSH" : "RDP") brute force attacks against \(first.connection.remote): \(run.count) connection attempts in \(minutes) minutes.",
                role: inbound ? "TARGET" : "ACTOR", weight: run.count
            )
            // GuardDuty rates it High when the instance is the attacker.
            if !inbound { observation.severity = 8 }
            self.aggregator.add(observation)
        }

        // Outbound, by (interface, local, remote, port): port scans of one remote host.
        let byRemote = self.byRemoteHost(buffer.outbound, atLeast: self.thresholds.portscanPorts)
        Self.runs(byRemote, sameGroup: { $0.interface == $1.interface && $0.local == $1.local && $0.remote == $1.remote }) { run in
            var ports = 0
            var previous: UInt16?
            for connection in run where connection.port != previous { ports += 1; previous = connection.port }
            guard ports >= self.thresholds.portscanPorts, let first = run.min(by: { $0.start < $1.start }) else { return }
            var record = self.record(first)
            record.accepted = run.contains { $0.accepted }
            self.aggregator.add(self.flowObservation(
                "Recon:EC2/Portscan", record: record, local: first.local, remote: first.remote, inbound: false, localPort: 0,
                remotePort: Int(run.map(\.port).min() ?? 0), key: "\(first.remote)",
                description: "\(first.local) is performing outbound port scans against remote host \(first.remote): \(ports) ports in \(minutes) minutes.",
                role: "ACTOR"
            ))
        }

        // Outbound, by (interface, local, port, remote): sweeps of one port and spam.
        let sweep = min(self.thresholds.spambotHosts, self.thresholds.portSweepHosts)
        let byPort = self.candidates(buffer.outbound, atLeast: sweep) {
            Self.fingerprint(UInt64(UInt32(bitPattern: $0.interface)) << 16 | UInt64($0.port), $0.local, nil)
        }.sorted {
            $0.interface != $1.interface ? $0.interface < $1.interface
                : $0.local != $1.local ? less($0.local, $1.local)
                : $0.port != $1.port ? $0.port < $1.port : less($0.remote, $1.remote)
        }
        Self.runs(byPort, sameGroup: { $0.interface == $1.interface && $0.local == $1.local && $0.port == $1.port }) { run in
            var hosts = 0
            var previous: IPAddress?
            for connection in run where connection.remote != previous { hosts += 1; previous = connection.remote }
            let port = Int(run.first!.port)
            let isSpam = port == 25 && hosts >= self.thresholds.spambotHosts
            guard isSpam || hosts >= self.thresholds.portSweepHosts, let first = run.min(by: { $0.start < $1.start }) else { return }
            let example = run.min { less($0.remote, $1.remote) }!.remote
            self.aggregator.add(self.flowObservation(
                isSpam ? "Backdoor:EC2/Spambot" : "Impact:EC2/PortSweep", record: self.record(first), local: first.local, remote: example, inbound: false,
                localPort: 0, remotePort: port, key: "port \(port)",
                description: isSpam
                    ? "\(first.local) is communicating with \(hosts) remote hosts on port 25 in \(minutes) minutes."
                    : "\(first.local) is probing port \(port) on \(hosts) IP addresses in \(minutes) minutes.",
                role: "ACTOR"
            ))
        }

        // Inbound, by (interface, local, remote, port): a remote host trying many ports and getting through on some.
        let probes = self.byRemoteHost(buffer.inbound, atLeast: self.thresholds.probedPorts)
        let sensitive: Set<Int> = [22, 23, 3389, 1433, 3306, 5432, 6379, 9200, 9300, 11211, 27017]
        Self.runs(probes, sameGroup: { $0.interface == $1.interface && $0.local == $1.local && $0.remote == $1.remote }) { run in
            var ports = 0
            var previous: UInt16?
            for connection in run where connection.port != previous { ports += 1; previous = connection.port }
            let open = Set(run.filter(\.accepted).map { Int($0.port) })
            guard ports >= self.thresholds.probedPorts, !open.isEmpty, let first = run.min(by: { $0.start < $1.start }) else { return }
            let port = open.min()!
            self.aggregator.add(Observation(
                type: "Recon:EC2/PortProbeUnprotectedPort", key: "\(self.names.name(Int(first.interface)) ?? "-")|TARGET|\(port)", time: first.start,
                accountId: self.names.name(Int(first.account)) ?? self.defaultAccount, region: self.defaultRegion,
                resource: self.flowResource(interface: Int(first.interface), instance: Int(first.instance), local: first.local), resourceRole: "TARGET",
                action: .portProbe(Finding.PortProbeAction(blocked: false, portProbeDetails: open.sorted().prefix(8).map {
                    Finding.PortProbeDetail(localPort: $0, local: first.local.description, remote: first.remote.description)
                })),
                evidence: nil,
                description: "\(first.remote) probed \(ports) ports of \(first.local); port \(port) is open to it.",
                severity: open.isDisjoint(with: sensitive) ? nil : 5
            ))
        }
    }

    /// Closes the windows that end at or before `watermark` (all when nil) and evaluates their flood counters.
    func evaluateFlowWindows(before watermark: Int64?) {
        let window = self.thresholds.windowSeconds
        self.drainFlows()
        self.closeVolumes(before: watermark.map { $0 / window })
        while let oldest = self.windows.first, watermark.map({ (oldest.start + 1) * window <= $0 }) ?? true {
            self.closeWindow(self.windows.removeFirst())
        }
        let closed = self.floods.filter { key, _ in watermark.map { (key.minute + 1) * 60 <= $0 } ?? true }
        for key in closed.keys { self.floods.removeValue(forKey: key) }
        for (key, value) in closed where value.packets >= self.thresholds.denialOfServicePacketsPerMinute {
            let type: String
            switch (key.protocolNumber, key.port) {
            case (17, 53): type = "Backdoor:EC2/DenialOfService.Dns"
            case (17, 80), (17, 443): type = "Backdoor:EC2/DenialOfService.UdpOnTcpPorts"
            case (17, _): type = "Backdoor:EC2/DenialOfService.Udp"
            case (6, _): type = "Backdoor:EC2/DenialOfService.Tcp"
            default: type = "Backdoor:EC2/DenialOfService.UnusualProtocol"
            }
            let record = FlowRecord(accountId: value.account, interfaceId: key.interface, source: nil, destination: nil, sourcePort: 0, destinationPort: key.port,
                                    protocolNumber: key.protocolNumber, packets: value.packets, bytes: 0, start: value.first, end: value.first, accepted: true, instanceId: 0)
            self.aggregator.add(self.flowObservation(
                type, record: record, local: key.local, remote: key.remote, inbound: false, localPort: 0, remotePort: key.port, key: "\(key.remote)",
                description: "\(key.local) sent \(value.packets) \(Self.protocolName(key.protocolNumber)) packets to \(key.remote) in one minute.",
                role: "ACTOR"
            ))
        }
    }

}

/// Scratch tables for `DetectionEngine.candidates`, kept between windows so that they are not allocated (and their
/// pages faulted in) for every window.
final class GroupCounter {
    var keys: [UInt64] = []
    var counts: [Int32] = []
    var slots: [Int32] = []

    /// Clears a table of at least twice `items` slots and returns its mask.
    func reset(for items: Int) -> Int {
        let capacity = 1 << (Int.bitWidth - (items * 2).leadingZeroBitCount)
        if self.keys.count < capacity {
            self.keys = Array(repeating: 0, count: capacity)
            self.counts = Array(repeating: 0, count: capacity)
        } else {
            self.keys.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: capacity) }
            self.counts.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: capacity) }
        }
        if self.slots.count < items { self.slots = Array(repeating: 0, count: max(items, self.slots.count * 2)) }
        return capacity - 1
    }
}
