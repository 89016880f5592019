import Foundation
import GuardDutyModel

/// Turns log records into GuardDuty findings. Feed it records of any source in any order, then ask for the
/// findings: threshold rules are evaluated over fixed windows of record time (never the wall clock), so the same
/// logs always give the same findings. Not thread-safe: one engine per scan or per agent pipeline.
public final class DetectionEngine {
    /// Thresholds, as documented in the README.
    public struct Thresholds: Sendable {
        public var windowSeconds: Int64 = 600
        public var bruteForceAttempts = 20
        public var portscanPorts = 50
        public var portSweepHosts = 50
        public var spambotHosts = 25
        public var denialOfServicePacketsPerMinute = 100_000
        public var exfiltrationQueries = 5
        public var probedPorts = 10
        public var dgaDomains = 10
        /// How long (record time) an instance's outbound ports and traffic volume are learned before they are judged.
        public var baselineLearningSeconds: Int64 = 86_400
        public var trafficVolumeFactor = 10
        public var trafficVolumeMinimumBytes = 50_000_000
        public init() {}
    }

    /// The lists and built-in intelligence in force; an agent swaps it between records when its configuration changes.
    public var intelligence: Intelligence
    /// Whether CloudTrail S3 data events are analysed (the S3_DATA_EVENTS feature, S3 Protection). `scan` analyses
    /// them whenever the input has them; an agent follows its configuration.
    public var s3DataEvents = true
    /// S3 data events skipped because S3 Protection was off.
    public private(set) var s3DataEventsIgnored = 0
    public let thresholds: Thresholds
    public let names = NameTable()
    let defaultAccount: String
    let defaultRegion: String
    let aggregator: FindingAggregator

    /// One connection as the window rules need it, kept compact: buffered per window and evaluated by sorting
    /// when the window closes, so memory follows the records of the open windows only.
    struct Connection {
        var interface: Int32
        var instance: Int32
        var account: Int32
        var port: UInt16
        var accepted: Bool
        var start: Int64
        var local: IPAddress
        var remote: IPAddress
    }
    struct WindowBuffer {
        var outbound: [Connection] = []
        var inbound: [Connection] = []
        var bruteForce: [(connection: Connection, inbound: Bool)] = []
    }
    var windows: [Int64: WindowBuffer] = [:]
    var newestWindow: Int64 = .min
    var baselines = FlowBaselines()
    var apiBaselines = APIBaselines()
    struct Flood: Hashable { var minute: Int64; var interface: Int; var local: IPAddress; var remote: IPAddress; var protocolNumber: Int; var port: Int }
    var floods: [Flood: (packets: Int, first: Int64, account: Int)] = [:]
    struct DGA: Hashable { var window: Int64; var instance: String; var account: String; var region: String }
    var dga: [DGA: (names: Set<String>, first: Int64)] = [:]
    struct Exfil: Hashable { var window: Int64; var instance: String; var domain: String; var account: String; var region: String }
    var exfiltration: [Exfil: (count: Int, first: Int64, example: String)] = [:]

    public init(intelligence: Intelligence, accountId: String = "000000000000", region: String = "us-east-1", detectorId: String,
                thresholds: Thresholds = Thresholds()) {
        self.intelligence = intelligence
        self.thresholds = thresholds
        self.defaultAccount = accountId
        self.defaultRegion = region
        self.aggregator = FindingAggregator(detectorId: detectorId)
    }

    // MARK: VPC Flow Logs

    public func process(_ record: FlowRecord) {
        guard let source = record.source, let destination = record.destination else { return }
        let sourcePrivate = source.isPrivateOrBogon
        let destinationPrivate = destination.isPrivateOrBogon
        // Which side is ours: the private one; when both are public, the server port's side.
        let inbound: Bool
        if sourcePrivate && destinationPrivate { return }
        if sourcePrivate != destinationPrivate { inbound = destinationPrivate } else { inbound = record.destinationPort <= record.sourcePort }
        let local = inbound ? destination : source
        let remote = inbound ? source : destination
        if self.intelligence.isTrusted(remote) { return }
        let window = record.start / self.thresholds.windowSeconds
        let localPort = inbound ? record.destinationPort : record.sourcePort
        let remotePort = inbound ? record.sourcePort : record.destinationPort

        let lists = self.intelligence.threatListNames(for: remote)
        if !lists.isEmpty {
            self.aggregator.add(self.flowObservation(
                "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", record: record, local: local, remote: remote, inbound: inbound,
                localPort: localPort, remotePort: remotePort, key: "\(remote)",
                description: "EC2 instance \(self.instanceName(record)) is communicating \(inbound ? "inbound from" : "outbound with") \(remote), an IP address on the threat list \(lists.joined(separator: ", ")).",
                evidence: Finding.Evidence(threatIntelligenceDetails: lists.map { Finding.ThreatIntelligenceDetail(threatListName: $0) }),
                role: inbound ? "TARGET" : "ACTOR"
            ))
        }
        // Built-in address intelligence: Tor relays, mining pools (the instance reaching out to them).
        let builtIn: [(String, String)] = [
            self.intelligence.isTorNode(remote) ? ("UnauthorizedAccess:EC2/TorClient", "a Tor relay") : nil,
            self.intelligence.isMiningPool(remote) ? ("CryptoCurrency:EC2/BitcoinTool.B", "a cryptocurrency mining pool") : nil,
            !inbound && self.intelligence.isBlackhole(remote) ? ("Trojan:EC2/BlackholeTraffic", "a black-holed address (a sinkhole of known-malicious infrastructure)") : nil,
        ].compactMap { $0 }
        for (type, what) in builtIn {
            self.aggregator.add(self.flowObservation(
                type, record: record, local: local, remote: remote, inbound: inbound, localPort: localPort, remotePort: remotePort,
                key: "\(remote)",
                description: "EC2 instance \(self.instanceName(record)) is communicating \(inbound ? "inbound from" : "outbound with") \(remote), \(what).",
                role: inbound ? "TARGET" : "ACTOR"
            ))
        }
        let connection = Connection(
            interface: Int32(truncatingIfNeeded: record.interfaceId), instance: Int32(truncatingIfNeeded: record.instanceId),
            account: Int32(truncatingIfNeeded: record.accountId), port: UInt16(truncatingIfNeeded: record.destinationPort),
            accepted: record.accepted, start: record.start, local: local, remote: remote
        )
        if !inbound && record.accepted {
            self.learnOrJudge(record, local: local, remote: remote, localPort: localPort, remotePort: remotePort)
        }
        // Close windows two behind the newest: logs arrive in time order, with some overlap between files.
        if window > self.newestWindow {
            self.newestWindow = window
            for closed in self.windows.keys where closed < window - 1 { self.closeWindow(closed) }
            self.closeVolumes(before: window - 1)
        }
        // Appended in place (a copy of the buffer would copy its arrays on every record).
        if record.protocolNumber == 6 && (record.destinationPort == 22 || record.destinationPort == 3389) {
            self.windows[window, default: WindowBuffer()].bruteForce.append((connection, inbound))
        }
        if inbound {
            self.windows[window, default: WindowBuffer()].inbound.append(connection)
        } else {
            self.windows[window, default: WindowBuffer()].outbound.append(connection)
        }
        if !inbound && record.packets >= 1_000 {
            let flood = Flood(minute: record.start / 60, interface: record.interfaceId, local: local, remote: remote, protocolNumber: record.protocolNumber,
                              port: record.destinationPort)
            let current = self.floods[flood]
            self.floods[flood] = ((current?.packets ?? 0) + record.packets, min(current?.first ?? record.start, record.start), record.accountId)
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

    /// Evaluates the window rules of one window and forgets it.
    func closeWindow(_ window: Int64) {
        guard let buffer = self.windows.removeValue(forKey: window) else { return }
        let minutes = self.thresholds.windowSeconds / 60
        func less(_ a: IPAddress, _ b: IPAddress) -> Bool { a.isV6 == b.isV6 ? a.value < b.value : !a.isV6 }

        // Brute force: attempts per (interface, local, remote, port, direction).
        let attempts = buffer.bruteForce.sorted {
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
        let byRemote = buffer.outbound.sorted {
            $0.interface != $1.interface ? $0.interface < $1.interface
                : $0.local != $1.local ? less($0.local, $1.local)
                : $0.remote != $1.remote ? less($0.remote, $1.remote) : $0.port < $1.port
        }
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
        let byPort = buffer.outbound.sorted {
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
        let probes = buffer.inbound.sorted {
            $0.interface != $1.interface ? $0.interface < $1.interface
                : $0.local != $1.local ? less($0.local, $1.local)
                : $0.remote != $1.remote ? less($0.remote, $1.remote) : $0.port < $1.port
        }
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
        self.closeVolumes(before: watermark.map { $0 / window })
        for start in self.windows.keys.sorted() where watermark.map({ (start + 1) * window <= $0 }) ?? true { self.closeWindow(start) }
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

    // MARK: CloudTrail

    public func process(_ event: CloudTrailEvent) {
        let account = event.recipientAccountId ?? self.defaultAccount
        let region = event.awsRegion ?? self.defaultRegion
        let remote = event.sourceIPAddress.flatMap { IPAddress.parse($0.utf8) }
        if let remote, self.intelligence.isTrusted(remote) { return }
        if Self.isS3DataEvent(event) {
            // S3 Protection: data events are analysed only while the feature is in force, and only by the S3 rules.
            if self.s3DataEvents {
                self.processS3DataEvent(event, remote: remote, account: account, region: region)
            } else {
                self.s3DataEventsIgnored += 1
            }
            return
        }
        if event.eventSource.hasPrefix("s3") {
            self.processS3ManagementEvent(event, remote: remote, account: account, region: region)
        }
        let succeeded = event.errorCode == nil && (event.eventName != "ConsoleLogin" || event.consoleLoginResult == "Success")
        var types: [(String, String, Finding.Evidence?)] = []
        let who = event.userName ?? event.identityArn ?? event.principalId ?? "unknown principal"

        if event.identityType == "Root", event.invokedBy == nil, event.eventType != "AwsServiceEvent", succeeded {
            types.append(("Policy:IAMUser/RootCredentialUsage", "The API \(event.eventName) was invoked using root credentials from \(event.sourceIPAddress ?? "an unknown address").", nil))
        }
        // An attempt counts too (the error is in the action): turning the trail off is what an intruder does first.
        if event.eventSource == "cloudtrail.amazonaws.com", ["StopLogging", "DeleteTrail"].contains(event.eventName) {
            types.append((
                "Stealth:IAMUser/CloudTrailLoggingDisabled",
                event.errorCode == nil
                    ? "AWS CloudTrail logging was disabled by \(who) (\(event.eventName))."
                    : "\(who) attempted to disable AWS CloudTrail logging (\(event.eventName), which failed with \(event.errorCode!)).",
                nil
            ))
        }
        if let anomaly = self.anomalousBehavior(event, s3Data: false) {
            types.append((anomaly, "\(who) called \(event.eventName) (\(event.eventSource)), an API it had not used in its first \(self.thresholds.baselineLearningSeconds / 3600) hours of activity.", nil))
        }
        if event.eventSource == "iam.amazonaws.com", ["UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy"].contains(event.eventName), succeeded {
            types.append(("Stealth:IAMUser/PasswordPolicyChange", "The account password policy was changed by \(who) (\(event.eventName)).", nil))
        }
        if let agent = event.userAgent {
            for (needle, name, type) in Self.penTestAgents where Self.containsIgnoringCase(agent, needle) {
                types.append(("PenTest:IAMUser/\(type)", "The API \(event.eventName) was invoked by \(who) from a machine whose user agent names \(name).", nil))
            }
        }
        if let remote {
            let lists = self.intelligence.threatListNames(for: remote)
            if !lists.isEmpty {
                let isRecon = ["Get", "List", "Describe"].contains { event.eventName.hasPrefix($0) }
                types.append((
                    isRecon ? "Recon:IAMUser/MaliciousIPCaller.Custom" : "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
                    "The API \(event.eventName) was invoked by \(who) from \(remote), an IP address on the threat list \(lists.joined(separator: ", ")).",
                    Finding.Evidence(threatIntelligenceDetails: lists.map { Finding.ThreatIntelligenceDetail(threatListName: $0) })
                ))
            }
            if self.intelligence.isTorNode(remote) {
                let isRecon = ["Get", "List", "Describe"].contains { event.eventName.hasPrefix($0) }
                types.append((
                    isRecon ? "Recon:IAMUser/TorIPCaller" : "UnauthorizedAccess:IAMUser/TorIPCaller",
                    "The API \(event.eventName) was invoked by \(who) from \(remote), a Tor exit node.", nil
                ))
            }
            // Instance-role credentials (ASIA…, session named after the instance) used from a public address.
            if event.identityType == "AssumedRole", let arn = event.identityArn, let session = arn.split(separator: "/").last, session.hasPrefix("i-"),
                event.accessKeyId?.hasPrefix("ASIA") == true, !remote.isPrivateOrBogon, event.invokedBy == nil
            {
                types.append((
                    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
                    "Credentials created for EC2 instance \(session) through its launch role were used from the external IP address \(remote) (\(event.eventName)).", nil
                ))
            }
        }
        for (type, description, evidence) in types {
            self.aggregator.add(Observation(
                type: type, key: "\(event.accessKeyId ?? event.principalId ?? "-")|\(event.sourceIPAddress ?? "-")",
                time: event.eventTime, accountId: account, region: region,
                resource: Finding.Resource(resourceType: "AccessKey", accessKeyDetails: Finding.AccessKeyDetails(
                    accessKeyId: event.accessKeyId, principalId: event.principalId,
                    userName: event.userName ?? (event.identityType == "Root" ? "Root" : event.identityArn?.split(separator: "/").last.map(String.init)),
                    userType: event.identityType
                )),
                resourceRole: "TARGET",
                action: .api(Finding.AwsApiCallAction(
                    api: event.eventName, callerType: remote == nil ? "AWS Service" : "Remote IP", errorCode: event.errorCode, userAgent: event.userAgent,
                    remoteIp: remote?.description, serviceName: event.eventSource
                )),
                evidence: evidence, description: description
            ))
        }
    }

    // MARK: DNS

    public func process(_ query: DNSQuery) {
        var name = query.queryName.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) ? query.queryName.lowercased() : query.queryName
        if name.hasSuffix(".") { name.removeLast() }
        let account = query.accountId ?? self.defaultAccount
        let region = query.region ?? self.defaultRegion
        let instance = query.instanceId ?? query.sourceAddress ?? "unknown"
        var hits: [(String, String, Finding.Evidence?)] = []
        if let list = self.intelligence.builtInDomains.lists(matching: name).first {
            let type = self.intelligence.builtInDomainTypes[list]
            hits.append((type, "EC2 instance \(instance) is querying \(name), a domain on Guardpost's list for \(type).", nil))
        }
        let custom = self.intelligence.threatDomains.count == 0
            ? [] : self.intelligence.threatDomains.lists(matching: name).map { self.intelligence.threatDomainListNames[$0] }
        if !custom.isEmpty {
            hits.append((
                "Impact:EC2/MaliciousDomainRequest.Custom", "EC2 instance \(instance) is querying \(name), a domain on the threat list \(custom.joined(separator: ", ")).",
                Finding.Evidence(threatIntelligenceDetails: custom.map { Finding.ThreatIntelligenceDetail(threatListName: $0) })
            ))
        }
        if query.answers.contains(where: { $0.hasPrefix("169.254.169.254") || $0 == "fd00:ec2::254" }) {
            hits.append(("UnauthorizedAccess:EC2/MetadataDNSRebind", "EC2 instance \(instance) resolved \(name) to the instance metadata service address.", nil))
        }
        for (type, description, evidence) in hits {
            self.aggregator.add(self.dnsObservation(type, query: query, name: name, instance: instance, account: account, region: region,
                                                    key: name, description: description, evidence: evidence))
        }
        if query.rcode == "NXDOMAIN", DNSExfiltration.looksGenerated(name) {
            let key = DGA(window: query.time / self.thresholds.windowSeconds, instance: instance, account: account, region: region)
            var state = self.dga[key] ?? ([], query.time)
            if state.names.count < 64 { state.names.insert(name) }
            state.first = min(state.first, query.time)
            self.dga[key] = state
        }
        if DNSExfiltration.looksLikeExfiltration(name) {
            let key = Exfil(window: query.time / self.thresholds.windowSeconds, instance: instance, domain: DNSExfiltration.registeredDomain(name),
                            account: account, region: region)
            let current = self.exfiltration[key]
            self.exfiltration[key] = ((current?.count ?? 0) + 1, min(current?.first ?? query.time, query.time), min(current?.example ?? name, name))
        }
    }

    func dnsObservation(_ type: String, query: DNSQuery, name: String, instance: String, account: String, region: String, key: String,
                        description: String, evidence: Finding.Evidence?, time: Int64? = nil, weight: Int = 1) -> Observation {
        Observation(
            type: type, key: "\(instance)|\(key)", time: time ?? query.time, accountId: account, region: region,
            resource: Finding.Resource(resourceType: "Instance", instanceDetails: Finding.InstanceDetails(instanceId: query.instanceId)),
            resourceRole: "ACTOR", action: .dns(Finding.DnsRequestAction(domain: name, protocolName: query.transport ?? "UDP", blocked: false)),
            evidence: evidence, description: description, weight: weight
        )
    }

    func evaluateDNSWindows(before watermark: Int64?) {
        let window = self.thresholds.windowSeconds
        func due(_ start: Int64) -> Bool { watermark.map { (start + 1) * window <= $0 } ?? true }
        let dga = self.dga.filter { due($0.key.window) }
        let exfiltration = self.exfiltration.filter { due($0.key.window) }
        for key in dga.keys { self.dga.removeValue(forKey: key) }
        for key in exfiltration.keys { self.exfiltration.removeValue(forKey: key) }
        for (key, value) in dga where value.names.count >= self.thresholds.dgaDomains {
            let example = value.names.min()!
            let query = DNSQuery(time: value.first, accountId: key.account, region: key.region, queryName: example, queryType: nil, rcode: "NXDOMAIN",
                                 sourceAddress: nil, instanceId: key.instance == "unknown" ? nil : key.instance, vpcId: nil, transport: nil, answers: [])
            self.aggregator.add(self.dnsObservation(
                "Trojan:EC2/DGADomainRequest.B", query: query, name: example, instance: key.instance, account: key.account, region: key.region,
                key: "dga",
                description: "EC2 instance \(key.instance) queried \(value.names.count) or more random-looking domains that do not exist in \(self.thresholds.windowSeconds / 60) minutes, as malware using a domain generation algorithm does.",
                evidence: nil, weight: value.names.count
            ))
        }
        for (key, value) in exfiltration where value.count >= self.thresholds.exfiltrationQueries {
            let query = DNSQuery(time: value.first, accountId: key.account, region: key.region, queryName: value.example, queryType: nil, rcode: nil,
                                 sourceAddress: nil, instanceId: key.instance == "unknown" ? nil : key.instance, vpcId: nil, transport: nil, answers: [])
            self.aggregator.add(self.dnsObservation(
                "Trojan:EC2/DNSDataExfiltration", query: query, name: value.example, instance: key.instance, account: key.account, region: key.region,
                key: key.domain,
                description: "EC2 instance \(key.instance) sent \(value.count) DNS queries with long, high-entropy labels under \(key.domain) in \(self.thresholds.windowSeconds / 60) minutes, a pattern of data exfiltration through DNS.",
                evidence: nil, weight: value.count
            ))
        }
    }

    // MARK: results

    /// All findings so far, highest severity first. Every open window is evaluated and closed now; later records
    /// start new windows.
    public func findings() -> [Finding] {
        self.findings(closingWindowsBefore: nil)
    }

    /// All findings so far, with only the windows that end at or before `watermark` (epoch seconds of record time)
    /// evaluated and closed: what a streaming agent calls as its logs advance, so that a window is judged whole.
    public func findings(closingWindowsBefore watermark: Int64?) -> [Finding] {
        self.evaluateFlowWindows(before: watermark)
        self.evaluateDNSWindows(before: watermark)
        return self.aggregator.all()
    }

    /// Takes back findings from an earlier run, so that repeated activity after a restart updates them.
    public func restore(_ findings: [Finding]) {
        for finding in findings { self.aggregator.restore(finding) }
    }

    /// Whether any window is still open (its records counted but not yet judged).
    public var hasOpenWindows: Bool {
        !self.windows.isEmpty || !self.floods.isEmpty || !self.dga.isEmpty || !self.exfiltration.isEmpty || !self.baselines.volumes.isEmpty
    }
}

/// The DNS exfiltration heuristic: data encoded in long, high-entropy labels below one registered domain.
public enum DNSExfiltration {
    /// True when the part before the registered domain is at least 40 characters of labels with high character entropy.
    public static func looksLikeExfiltration(_ name: String) -> Bool {
        // Cheap exit first: most names are short.
        guard name.utf8.count > 44 else { return false }
        let registered = self.registeredDomain(name)
        guard name.count > registered.count + 40 else { return false }
        let prefix = name.dropLast(registered.count + 1).filter { $0 != "." }
        guard prefix.count >= 40 else { return false }
        return self.entropy(prefix) >= 3.5
    }

    /// A second-level label of 12 or more characters that reads as random: high entropy, few vowels, or digits mixed in.
    public static func looksGenerated(_ name: String) -> Bool {
        let labels = name.split(separator: ".")
        guard labels.count >= 2 else { return false }
        let label = labels[labels.count - 2]
        guard label.count >= 12, label.allSatisfy({ $0.isLetter || $0.isNumber }) else { return false }
        let vowels = label.filter { "aeiou".contains($0) }.count
        let digits = label.filter(\.isNumber).count
        return self.entropy(label) >= 3.3 && (Double(vowels) / Double(label.count) < 0.3 || digits >= 2)
    }

    /// The last two labels (a public-suffix list is not shipped).
    public static func registeredDomain(_ name: String) -> String {
        let labels = name.split(separator: ".")
        return labels.suffix(2).joined(separator: ".")
    }

    static func entropy(_ text: some StringProtocol) -> Double {
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let total = Double(text.count)
        return counts.values.reduce(0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }
}
