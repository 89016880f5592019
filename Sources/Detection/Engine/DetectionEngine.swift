import Foundation
import GuardDutyModel
import ThreatLists

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
        /// ConsoleLoginSuccess.B: successful console logins of one principal within `consoleLoginSeconds` from this
        /// many locations of the location file, or — for addresses the file does not place — this many /16 (IPv6:
        /// /48) networks counted together with the known locations.
        public var consoleLoginSeconds: Int64 = 3_600
        public var consoleLoginLocations = 2
        public var consoleLoginNetworks = 3
        public init() {}
    }

    /// The lists and built-in intelligence in force; an agent swaps it between records when its configuration changes.
    public var intelligence: Intelligence {
        // Records taken under the old lists are judged under them.
        willSet { self.drainFlows() }
    }
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

    /// One connection as the window rules need it, kept compact: buffered per window and evaluated when the
    /// window closes, so memory follows the records of the open windows only.
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
    /// The connections of one open window (`start` is the window's number: record time / window length).
    struct WindowBuffer {
        var start: Int64
        var outbound: [Connection] = []
        var inbound: [Connection] = []
        var bruteForce: [(connection: Connection, inbound: Bool)] = []
    }
    /// The open windows, oldest first (two or three at a time: logs arrive nearly in time order).
    var windows: [WindowBuffer] = []
    var newestWindow: Int64 = .min
    /// Scratch tables of the window rules.
    let groupCounter = GroupCounter()
    /// Flow records waiting for their batch to be evaluated (see `process(_: FlowRecord)`).
    var pendingFlows: [FlowRecord] = []
    var baselines = FlowBaselines()
    var apiBaselines = APIBaselines()
    struct Flood: Hashable { var minute: Int64; var interface: Int; var local: IPAddress; var remote: IPAddress; var protocolNumber: Int; var port: Int }
    var floods: [Flood: (packets: Int, first: Int64, account: Int)] = [:]
    struct DGA: Hashable { var window: Int64; var instance: String; var account: String; var region: String }
    var dga: [DGA: (names: Set<String>, first: Int64)] = [:]
    struct ConsoleLogins: Hashable { var window: Int64; var account: String; var principal: String }
    /// Successful console logins per principal and window: the locations the location file knows, the networks of the
    /// addresses it does not, and the earliest login.
    var consoleLogins: [ConsoleLogins: (known: Set<String>, networks: Set<String>, first: CloudTrailEvent, remote: IPAddress)] = [:]
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
        if event.eventName == "ConsoleLogin", succeeded, let remote, !remote.isPrivateOrBogon {
            self.noteConsoleLogin(event, remote: remote, account: account)
        }
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
            let verdict = self.intelligence.verdict(remote)
            let lists = verdict.threatLists
            if !lists.isEmpty {
                let isRecon = ["Get", "List", "Describe"].contains { event.eventName.hasPrefix($0) }
                types.append((
                    isRecon ? "Recon:IAMUser/MaliciousIPCaller.Custom" : "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
                    "The API \(event.eventName) was invoked by \(who) from \(remote), an IP address on the threat list \(lists.joined(separator: ", ")).",
                    Finding.Evidence(threatIntelligenceDetails: lists.map { Finding.ThreatIntelligenceDetail(threatListName: $0) })
                ))
            }
            if verdict.tor {
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
                resource: Self.accessKeyResource(event),
                resourceRole: "TARGET",
                action: .api(Finding.AwsApiCallAction(
                    api: event.eventName, callerType: remote == nil ? "AWS Service" : "Remote IP", errorCode: event.errorCode, userAgent: event.userAgent,
                    remoteIp: remote?.description, serviceName: event.eventSource
                )),
                evidence: evidence, description: description
            ))
        }
    }

    // MARK: Console logins

    /// The principal of a CloudTrail event as a finding's AccessKey resource.
    static func accessKeyResource(_ event: CloudTrailEvent) -> Finding.Resource {
        Finding.Resource(resourceType: "AccessKey", accessKeyDetails: Finding.AccessKeyDetails(
            accessKeyId: event.accessKeyId, principalId: event.principalId,
            userName: event.userName ?? (event.identityType == "Root" ? "Root" : event.identityArn?.split(separator: "/").last.map(String.init)),
            userType: event.identityType
        ))
    }

    /// Counts a successful console login toward UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B.
    func noteConsoleLogin(_ event: CloudTrailEvent, remote: IPAddress, account: String) {
        let principal = event.identityArn ?? event.userName ?? event.principalId ?? "unknown principal"
        let key = ConsoleLogins(window: event.eventTime / self.thresholds.consoleLoginSeconds, account: account, principal: principal)
        var state = self.consoleLogins[key] ?? ([], [], event, remote)
        if let location = self.intelligence.location(remote) {
            state.known.insert(location)
        } else {
            let network = remote.isV6 ? IPNetwork(v6: remote.value, prefix: 48) : IPNetwork(v4: UInt32(truncatingIfNeeded: remote.value), prefix: 16)
            state.networks.insert(network.description)
        }
        if (event.eventTime, remote.description) < (state.first.eventTime, state.remote.description) {
            state.first = event
            state.remote = remote
        }
        self.consoleLogins[key] = state
    }

    /// Judges the console-login windows that end at or before `watermark` (all when nil).
    func evaluateConsoleLogins(before watermark: Int64?) {
        let length = self.thresholds.consoleLoginSeconds
        let due = self.consoleLogins.filter { key, _ in watermark.map { (key.window + 1) * length <= $0 } ?? true }
        for (key, state) in due {
            self.consoleLogins.removeValue(forKey: key)
            let places = state.known.sorted() + state.networks.sorted().map { "network \($0)" }
            guard state.known.count >= self.thresholds.consoleLoginLocations || places.count >= self.thresholds.consoleLoginNetworks else { continue }
            let event = state.first
            self.aggregator.add(Observation(
                type: "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", key: key.principal, time: event.eventTime, accountId: key.account,
                region: event.awsRegion ?? self.defaultRegion,
                resource: Self.accessKeyResource(event),
                resourceRole: "TARGET",
                action: .api(Finding.AwsApiCallAction(
                    api: "ConsoleLogin", callerType: "Remote IP", errorCode: nil, userAgent: event.userAgent, remoteIp: state.remote.description,
                    serviceName: event.eventSource
                )),
                evidence: nil,
                description: "\(key.principal) signed in to the AWS Management Console successfully from \(places.count) locations within \(length / 60) minutes: \(places.joined(separator: ", ")).",
                weight: places.count
            ))
        }
    }

    // MARK: DNS

    public func process(_ query: DNSQuery) {
        // The parsers hand names over lower-cased without the trailing dot; other callers may not.
        var name = query.queryName
        let needsNormalising = name.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.last == UInt8(ascii: ".") || bytes.contains { $0 >= 65 && $0 <= 90 }
        } ?? true
        if needsNormalising {
            name = name.lowercased()
            if name.hasSuffix(".") { name.removeLast() }
        }
        let account = query.accountId ?? self.defaultAccount
        let region = query.region ?? self.defaultRegion
        let instance = query.instanceId ?? query.sourceAddress ?? "unknown"
        var hits: [(String, String, Finding.Evidence?)] = []
        let intelligence = self.intelligence
        let (builtIn, custom) = name.withUTF8 { bytes in
            (intelligence.builtInDomains.lists(matching: bytes).first,
             intelligence.threatDomains.lists(matching: bytes).map { intelligence.threatDomainListNames[$0] })
        }
        if let list = builtIn {
            let type = intelligence.builtInDomainTypes[list]
            hits.append((type, "EC2 instance \(instance) is querying \(name), a domain on Guardpost's list for \(type).", nil))
        }
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
        self.evaluateConsoleLogins(before: watermark)
        return self.aggregator.all()
    }

    /// Takes back findings from an earlier run, so that repeated activity after a restart updates them.
    public func restore(_ findings: [Finding]) {
        for finding in findings { self.aggregator.restore(finding) }
    }

    /// Whether any window is still open (its records counted but not yet judged).
    public var hasOpenWindows: Bool {
        !self.pendingFlows.isEmpty || !self.windows.isEmpty || !self.floods.isEmpty || !self.dga.isEmpty || !self.exfiltration.isEmpty || !self.consoleLogins.isEmpty || self.baselines.hasOpenVolumes
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
