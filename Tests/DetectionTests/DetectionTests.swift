import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// Helpers: an engine over given lists, fed text.
struct Scanner {
    let engine: DetectionEngine
    var flow: FlowLogParser

    init(threats: [String] = [], trusted: [String] = [], domains: [(type: String, domain: String)] = []) {
        let threatList = ListParser.parse(Array(threats.joined(separator: "\n").utf8), format: .txt, content: .addressesAndDomains)
        let trustedList = ListParser.parse(Array(trusted.joined(separator: "\n").utf8), format: .txt, content: .addresses)
        self.engine = DetectionEngine(
            intelligence: Intelligence(
                threatLists: threats.isEmpty ? [] : [("threats.txt", threatList)], trustedLists: trusted.isEmpty ? [] : [trustedList],
                builtInDomains: domains),
            accountId: "123456789012", detectorId: "d0000000000000000000000000000000"
        )
        self.flow = FlowLogParser(names: self.engine.names)
    }

    mutating func flowLines(_ lines: [String]) {
        let engine = self.engine
        self.flow.parse(Array(lines.joined(separator: "\n").utf8)) { engine.process($0) }
    }

    func cloudTrail(_ bytes: [UInt8]) {
        var parser = CloudTrailParser()
        parser.parse(bytes) { self.engine.process($0) }
    }

    func dns(_ lines: [String]) {
        var parser = DNSLogParser()
        parser.parse(Array(lines.joined(separator: "\n").utf8)) { self.engine.process($0) }
    }

    func types() -> [String: Finding] {
        Dictionary(self.engine.findings().map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The public datasets the replay tests read (../shared/data). They are required: a test that needs them fails with
/// `SharedData.Missing` when they are absent, instead of skipping and passing unseen.
enum SharedData {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    /// The datasets are not where the tests look for them.
    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "The shared test data is missing: \(self.path) does not exist. These tests replay public datasets (panther, stratus-red-team, "
                + "guardduty-tester); check the data out next to the repository as ../shared/data — the tests do not skip without it."
        }
    }

    /// The data directory, or `Missing` when it is absent.
    static func require(at root: URL = Self.root) throws -> URL {
        guard FileManager.default.fileExists(atPath: root.path) else { throw Missing(path: root.path) }
        return root
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: try self.require().appendingPathComponent(path))) }
}

func flowLine(
    _ src: String, _ dst: String, _ srcPort: Int, _ dstPort: Int, start: Int, protocolNumber: Int = 6, packets: Int = 3,
    action: String = "ACCEPT", eni: String = "eni-0abc"
) -> String {
    "2 123456789012 \(eni) \(src) \(dst) \(srcPort) \(dstPort) \(protocolNumber) \(packets) 240 \(start) \(start + 5) \(action) OK"
}

@Suite("Flow log rules")
struct FlowRuleTests {
    @Test func inboundSSHBruteForceIsLowAndOutboundIsHigh() {
        var scanner = Scanner()
        scanner.flowLines(
            (0..<25).map {
                flowLine(
                    "198.51.100.200".replacingOccurrences(of: "198.51.100", with: "45.9.20"), "10.0.0.5", 40_000 + $0, 22, start: 1_700_000_000 + $0)
            })
        scanner.flowLines((0..<25).map { flowLine("10.0.0.9", "45.9.20.77", 50_000 + $0, 3389, start: 1_700_000_000 + $0, eni: "eni-0def") })
        let findings = scanner.engine.findings()
        let ssh = try! #require(findings.first { $0.type == "UnauthorizedAccess:EC2/SSHBruteForce" })
        #expect(ssh.severity == 2 && ssh.service.resourceRole == "TARGET" && ssh.service.count == 25)
        #expect(ssh.service.action.networkConnectionAction?.remoteIpDetails?.ipAddressV4 == "45.9.20.200")
        let rdp = try! #require(findings.first { $0.type == "UnauthorizedAccess:EC2/RDPBruteForce" })
        #expect(rdp.severity == 8 && rdp.service.resourceRole == "ACTOR")
    }

    @Test func belowTheThresholdNothingFires() {
        var scanner = Scanner()
        scanner.flowLines((0..<19).map { flowLine("45.9.20.200", "10.0.0.5", 40_000 + $0, 22, start: 1_700_000_000 + $0) })
        #expect(scanner.engine.findings().isEmpty)
    }

    @Test func portscanAndPortSweepFromTheInstance() {
        var scanner = Scanner()
        scanner.flowLines((0..<60).map { flowLine("10.0.0.5", "45.9.20.1", 33_000, 1_000 + $0, start: 1_700_000_000, action: "REJECT") })
        scanner.flowLines((0..<60).map { flowLine("10.0.0.6", "45.9.21.\($0)", 33_001, 6379, start: 1_700_000_100, eni: "eni-0sweep") })
        let types = scanner.types()
        #expect(types["Recon:EC2/Portscan"]?.severity == 5)
        #expect(types["Impact:EC2/PortSweep"]?.severity == 8)
        #expect(types["Recon:EC2/Portscan"]?.service.action.networkConnectionAction?.blocked == true)
    }

    @Test func denialOfServiceByProtocol() {
        var scanner = Scanner()
        scanner.flowLines([flowLine("10.0.0.5", "45.9.20.1", 5000, 53, start: 1_700_000_000, protocolNumber: 17, packets: 150_000)])
        // Over TCP, from many connections (one connection's stream of bare headers is a download's ACKs).
        scanner.flowLines(
            (0..<30).map { flowLine("10.0.0.5", "45.9.20.2", 5000 + $0, 8080, start: 1_700_000_000, protocolNumber: 6, packets: 4_000) })
        let types = scanner.types()
        #expect(types["Backdoor:EC2/DenialOfService.Dns"] != nil)
        #expect(types["Backdoor:EC2/DenialOfService.Tcp"] != nil)
    }

    @Test func threatListHitsAreSuppressedByTrustedListsAndNeverOnPrivateAddresses() {
        var hit = Scanner(threats: ["45.9.20.0/24", "10.0.0.0/8"])
        hit.flowLines([
            flowLine("45.9.20.9", "10.0.0.5", 4444, 443, start: 1_700_000_000), flowLine("10.0.0.7", "10.0.0.5", 1, 2, start: 1_700_000_000),
        ])
        let findings = hit.engine.findings()
        #expect(findings.map(\.type) == ["UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"])
        #expect(findings[0].service.evidence?.threatIntelligenceDetails.first?.threatListName == "threats.txt")
        var trusted = Scanner(threats: ["45.9.20.0/24"], trusted: ["45.9.20.9"])
        trusted.flowLines([flowLine("45.9.20.9", "10.0.0.5", 4444, 443, start: 1_700_000_000)])
        #expect(trusted.engine.findings().isEmpty)
    }

    @Test func customFormatsNodataIPv6AndMalformedLines() {
        var scanner = Scanner(threats: ["2a01:4f8:ffff::/48", "45.9.20.9"])
        scanner.flowLines([
            "version account-id interface-id instance-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
            "5 123456789012 eni-0abc i-0123456789abcdef0 45.9.20.9 10.0.0.5 4444 443 6 3 240 1700000000 1700000005 ACCEPT OK",
            "5 123456789012 eni-0abc - - - - - - - - 1700000000 1700000005 - NODATA",
            "5 123456789012 eni-0abc i-0123456789abcdef0 2a01:4f8:ffff::1 fd00::5 4444 443 6 3 240 1700000000 1700000005 ACCEPT OK",
            "this line is broken",
            "5 123456789012 eni-0abc i-0123456789abcdef0 45.9.20.9 10.0.0.5 port 443 6 3 240 1700000000 1700000005 ACCEPT OK",
        ])
        #expect(scanner.flow.statistics.records == 2)
        #expect(scanner.flow.statistics.skipped == 1)
        #expect(scanner.flow.statistics.malformed == 2)
        let findings = scanner.engine.findings()
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.resource.instanceDetails?.instanceId == "i-0123456789abcdef0" })
    }

    @Test func theSameRecordsInAnyOrderGiveTheSameFindings() throws {
        var lines = (0..<30).map { flowLine("45.9.20.200", "10.0.0.5", 40_000 + $0, 22, start: 1_700_000_000 + $0 * 7) }
        lines += (0..<55).map { flowLine("10.0.0.5", "45.9.20.1", 33_000, 1_000 + $0, start: 1_700_000_050 + $0) }
        var first = Scanner(threats: ["45.9.20.1"])
        first.flowLines(lines)
        var generator = SystemRandomNumberGenerator()
        var second = Scanner(threats: ["45.9.20.1"])
        second.flowLines(lines.shuffled(using: &generator))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(first.engine.findings()) == encoder.encode(second.engine.findings()))
    }
}

@Suite("CloudTrail rules")
struct CloudTrailRuleTests {
    func event(
        _ name: String, source: String,
        identity: String =
            #"{"type":"IAMUser","userName":"alice","principalId":"AIDA1","accessKeyId":"AKIA1","arn":"arn:aws:iam::123456789012:user/alice"}"#,
        ip: String = "45.9.20.9", agent: String = "aws-cli/2.0", error: String? = nil
    ) -> String {
        #"{"eventTime":"2024-01-01T00:00:00Z","eventName":"\#(name)","eventSource":"\#(source)","sourceIPAddress":"\#(ip)","userAgent":"\#(agent)","userIdentity":\#(identity)\#(error.map { #","errorCode":"\#($0)""# } ?? "")}"#
    }

    func login(_ ip: String, at time: String, user: String = "alice", result: String = "Success") -> String {
        #"{"eventTime":"\#(time)","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","sourceIPAddress":"\#(ip)","userAgent":"Mozilla/5.0","#
            + #""userIdentity":{"type":"IAMUser","userName":"\#(user)","principalId":"AIDA\#(user)","arn":"arn:aws:iam::123456789012:user/\#(user)"},"#
            + #""responseElements":{"ConsoleLogin":"\#(result)"}}"#
    }

    func consoleLoginFindings(_ lines: [String], locations: [(network: IPNetwork, label: String)] = []) -> [Finding] {
        let engine = DetectionEngine(intelligence: Intelligence(locations: locations), accountId: "123456789012", detectorId: "d")
        var parser = CloudTrailParser()
        parser.parse(Array(lines.joined(separator: "\n").utf8)) { engine.process($0) }
        return engine.findings().filter { $0.type == "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B" }
    }

    /// With a location file: successful logins of one user from two countries within the hour are
    /// ConsoleLoginSuccess.B; the same country twice, failed logins, another user or the next hour are not.
    @Test func consoleLoginsFromTwoCountriesWithinAnHour() throws {
        let locations = Intelligence.locations(tsv: "# test\n45.9.0.0/16\tDE\n198.51.0.0/16\tUS\n203.0.113.0/24\tUS\n")
        #expect(locations.count == 3)
        let found = self.consoleLoginFindings(
            [
                self.login("198.51.7.1", at: "2024-01-01T10:05:00Z"), self.login("45.9.20.9", at: "2024-01-01T10:40:00Z"),
            ], locations: locations)
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.severity == 5)
        #expect(finding.description.contains("2 locations") && finding.description.contains("DE, US"))
        #expect(finding.resource.accessKeyDetails?.userName == "alice")
        #expect(finding.service.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4 == "198.51.7.1")
        #expect(finding.service.eventFirstSeen == "2024-01-01T10:05:00.000Z")

        #expect(
            self.consoleLoginFindings(
                [
                    self.login("198.51.7.1", at: "2024-01-01T10:05:00Z"), self.login("203.0.113.5", at: "2024-01-01T10:07:00Z"),
                    self.login("45.9.20.9", at: "2024-01-01T10:40:00Z", result: "Failure"),
                    self.login("45.9.20.9", at: "2024-01-01T10:41:00Z", user: "bob"),
                    self.login("45.9.20.9", at: "2024-01-01T11:20:00Z"),
                ], locations: locations
            ).isEmpty)
    }

    /// Without a location file: three /16 networks within the hour are needed; two are not enough.
    @Test func consoleLoginsFromThreeNetworksWithoutALocationFile() {
        let three = self.consoleLoginFindings([
            self.login("198.51.7.1", at: "2024-01-01T10:05:00Z"), self.login("45.9.20.9", at: "2024-01-01T10:20:00Z"),
            self.login("81.2.69.160", at: "2024-01-01T10:50:00Z"), self.login("81.2.1.1", at: "2024-01-01T10:55:00Z"),
        ])
        #expect(three.count == 1)
        #expect(three.first?.description.contains("network 81.2.0.0/16") == true)
        #expect(
            self.consoleLoginFindings([
                self.login("198.51.7.1", at: "2024-01-01T10:05:00Z"), self.login("45.9.20.9", at: "2024-01-01T10:20:00Z"),
                self.login("45.9.99.9", at: "2024-01-01T10:21:00Z"), self.login("10.0.0.5", at: "2024-01-01T10:22:00Z"),
            ]).isEmpty)
    }

    @Test func everyCloudTrailRuleOnItsEvent() {
        let scanner = Scanner(threats: ["203.0.113.0/24", "45.9.21.1"])
        let lines = [
            self.event(
                "DescribeInstances", source: "ec2.amazonaws.com",
                identity: #"{"type":"Root","arn":"arn:aws:iam::123456789012:root","principalId":"123456789012"}"#),
            self.event("StopLogging", source: "cloudtrail.amazonaws.com"),
            self.event("UpdateAccountPasswordPolicy", source: "iam.amazonaws.com"),
            self.event("ListBuckets", source: "s3.amazonaws.com", agent: "Boto3/1.7.61 Python/3.6.5 Linux/4.14.0-kali3-amd64"),
            self.event("ListUsers", source: "iam.amazonaws.com", ip: "45.9.21.1"),
            self.event("CreateUser", source: "iam.amazonaws.com", ip: "45.9.21.1"),
            self.event(
                "GetCallerIdentity", source: "sts.amazonaws.com",
                identity:
                    #"{"type":"AssumedRole","accessKeyId":"ASIA123","principalId":"AROA1:i-0123","arn":"arn:aws:sts::123456789012:assumed-role/web/i-0123456789abcdef0"}"#,
                ip: "45.9.22.1"),
        ]
        scanner.cloudTrail(Array(lines.joined(separator: "\n").utf8))
        let types = Set(scanner.engine.findings().map(\.type))
        #expect(
            types == [
                "Policy:IAMUser/RootCredentialUsage", "Stealth:IAMUser/CloudTrailLoggingDisabled", "Stealth:IAMUser/PasswordPolicyChange",
                "PenTest:IAMUser/KaliLinux", "Recon:IAMUser/MaliciousIPCaller.Custom", "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            ])
    }

    @Test func benignLookAlikesStayQuiet() {
        let scanner = Scanner(threats: ["203.0.113.0/24"])
        let lines = [
            // A failed root console login, root activity by an AWS service, an instance role used from inside the VPC.
            #"{"eventTime":"2024-01-01T00:00:00Z","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","sourceIPAddress":"45.9.20.9","responseElements":{"ConsoleLogin":"Failure"},"userIdentity":{"type":"Root","principalId":"123456789012"}}"#,
            #"{"eventTime":"2024-01-01T00:00:00Z","eventName":"Decrypt","eventSource":"kms.amazonaws.com","sourceIPAddress":"ec2.amazonaws.com","eventType":"AwsServiceEvent","userIdentity":{"type":"Root","invokedBy":"ec2.amazonaws.com"}}"#,
            self.event(
                "GetObject", source: "s3.amazonaws.com",
                identity: #"{"type":"AssumedRole","accessKeyId":"ASIA123","arn":"arn:aws:sts::123456789012:assumed-role/web/i-0123456789abcdef0"}"#,
                ip: "10.0.3.4"),
            self.event("StartLogging", source: "cloudtrail.amazonaws.com"),
            "not json at all",
        ]
        var parser = CloudTrailParser()
        parser.parse(Array(lines.joined(separator: "\n").utf8)) { scanner.engine.process($0) }
        #expect(scanner.engine.findings().isEmpty)
        #expect(parser.statistics.malformed == 1 && parser.statistics.records == 4)
    }

    @Test("the panther compromised-root scenario")
    func pantherScenario() throws {
        let scanner = Scanner(threats: ["92.55.146.245", "200.58.83.179"])
        scanner.cloudTrail(try SharedData.bytes("panther-scenario/compromised-root-creds/attacker_cloudtrail.native.json"))
        scanner.cloudTrail(try SharedData.bytes("panther-scenario/compromised-root-creds/victim_cloudtrail.native.json"))
        var flow = FlowLogParser(names: scanner.engine.names)
        flow.parse(try SharedData.bytes("panther-scenario/compromised-root-creds/attacker_vpc.native.log")) { scanner.engine.process($0) }
        let findings = scanner.engine.findings()
        let types = Set(findings.map(\.type))
        #expect(
            types.isSuperset(of: [
                "Policy:IAMUser/RootCredentialUsage", "Stealth:IAMUser/CloudTrailLoggingDisabled",
                "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
                "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
            ]))
        // The victim's own activity from 71.253.251.71 is no threat-list hit (its root logins are root usage, as GuardDuty reports them).
        #expect(
            !findings.contains {
                $0.type.contains("MaliciousIPCaller") && $0.service.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4 == "71.253.251.71"
            })
        #expect(findings.first { $0.type == "Policy:IAMUser/RootCredentialUsage" }?.service.eventFirstSeen == "2020-11-01T08:29:10.000Z")
    }

    @Test("stratus-red-team techniques that GuardDuty detects")
    func stratusRedTeam() throws {
        let expectations = [
            "aws.defense-evasion.cloudtrail-stop.json": "Stealth:IAMUser/CloudTrailLoggingDisabled",
            "aws.defense-evasion.cloudtrail-delete.json": "Stealth:IAMUser/CloudTrailLoggingDisabled",
            "aws.credential-access.ec2-steal-instance-credentials.json": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        ]
        for (file, type) in expectations {
            let scanner = Scanner()
            scanner.cloudTrail(try SharedData.bytes("stratus-red-team/\(file)"))
            #expect(scanner.engine.findings().contains { $0.type == type }, "\(file)")
        }
    }
}

@Suite("DNS rules")
struct DNSRuleTests {
    func query(_ name: String, instance: String = "i-0abc", time: String = "2024-01-01T00:00:00Z", answers: String = "[]") -> String {
        #"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"\#(time)","query_name":"\#(name)","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":\#(answers),"srcaddr":"10.0.0.5","srcport":"5353","transport":"UDP","srcids":{"instance":"\#(instance)"}}"#
    }

    @Test func builtInDomainsCustomListsAndRebinding() {
        let scanner = Scanner(
            threats: ["evil.example.net"],
            domains: [
                (type: "Backdoor:EC2/C&CActivity.B!DNS", domain: "c2.guarddutyc2activityb.com"),
                (type: "CryptoCurrency:EC2/BitcoinTool.B!DNS", domain: "supportxmr.com"),
            ])
        scanner.dns([
            self.query("C2.GuardDutyC2ActivityB.com."), self.query("pool.supportxmr.com"), self.query("www.evil.example.net"),
            self.query("rebind.example.org", answers: #"[{"Rdata":"169.254.169.254","Type":"A","Class":"IN"}]"#),
            self.query("www.amazon.com"), self.query("guarddutyc2activityb.com"),
        ])
        let types = scanner.types()
        #expect(
            Set(types.keys) == [
                "Backdoor:EC2/C&CActivity.B!DNS", "CryptoCurrency:EC2/BitcoinTool.B!DNS", "Impact:EC2/MaliciousDomainRequest.Custom",
                "UnauthorizedAccess:EC2/MetadataDNSRebind",
            ])
        #expect(types["Backdoor:EC2/C&CActivity.B!DNS"]?.service.action.dnsRequestAction?.domain == "c2.guarddutyc2activityb.com")
    }

    @Test("every line of guardduty-tester's queries.txt is DNS exfiltration")
    func testerExfiltrationQueries() throws {
        let names = String(decoding: try SharedData.bytes("guardduty-tester/queries.txt"), as: UTF8.self).split(separator: "\n").map(String.init)
        let detected = names.filter { DNSExfiltration.looksLikeExfiltration($0.lowercased()) }
        #expect(detected.count == names.count, "recall \(detected.count)/\(names.count)")
        let scanner = Scanner()
        scanner.dns(names.prefix(20).map { self.query($0) })
        let finding = try #require(scanner.types()["Trojan:EC2/DNSDataExfiltration"])
        #expect(finding.service.count == 20 && finding.severity == 8)
    }

    @Test func ordinaryNamesAreNotExfiltration() {
        for name in [
            "www.google.com", "ec2.us-east-1.amazonaws.com", "ip-10-0-0-5.ec2.internal",
            "d1a2b3c4d5e6f7.cloudfront.net", "_dmarc.example.com", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com",
        ] {
            #expect(!DNSExfiltration.looksLikeExfiltration(name), "\(name)")
        }
    }
}

@Suite("Inputs")
struct InputTests {
    @Test func gzipInputIsReadTransparently() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gp-gzip-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = flowLine("45.9.20.9", "10.0.0.5", 4444, 443, start: 1_700_000_000) + "\n"
        try text.write(to: directory.appendingPathComponent("a.log"), atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", directory.appendingPathComponent("a.log").path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(try LogInput.read(directory.appendingPathComponent("a.log.gz").path) == Array(text.utf8))
        #expect(try LogInput.files(directory.path).map { ($0 as NSString).lastPathComponent } == ["a.log", "a.log.gz"])
        #expect(throws: LogInputError.self) { try LogInput.gunzip([0x1F, 0x8B, 8, 0, 0, 0], name: "broken.gz") }
    }
}

@Suite("False positives")
struct FalsePositiveTests {
    /// A generated day of a small fleet's ordinary traffic: web servers taking HTTPS from many clients, instances
    /// calling public APIs, the occasional SSH from the office, DNS for ordinary and CDN names (NXDOMAIN typos
    /// included), and IAM users reading the account from the office.
    @Test func aBenignDayYieldsNoHighFinding() {
        var generator = SplitMixGenerator(seed: 2024)
        var scanner = Scanner(trusted: [], domains: [(type: "Backdoor:EC2/C&CActivity.B!DNS", domain: "c2.guarddutyc2activityb.com")])
        var flows: [String] = []
        let day: Int = 1_700_000_000
        for minute in 0..<(24 * 60) {
            let start = day + minute * 60
            for instance in 0..<20 {
                let local = "10.0.1.\(instance + 10)"
                let eni = "eni-\(String(instance, radix: 16))"
                // Inbound HTTPS from the internet.
                for _ in 0..<3 {
                    let client = "\(generator.next() % 200 + 11).\(generator.next() % 256).\(generator.next() % 256).\(generator.next() % 254 + 1)"
                    flows.append(flowLine(client, local, Int(generator.next() % 30_000 + 30_000), 443, start: start, eni: eni))
                }
                // Outbound HTTPS to a handful of public APIs.
                let api = ["52.94.1.\(instance)", "142.250.1.10", "151.101.1.69"][Int(generator.next() % 3)]
                flows.append(flowLine(local, api, Int(generator.next() % 30_000 + 30_000), 443, start: start, eni: eni))
            }
            if minute % 90 == 0 { flows.append(flowLine("203.0.113.50", "10.0.1.10", 50_000 + minute, 22, start: start, eni: "eni-0")) }
        }
        scanner.flowLines(flows)
        var queries: [String] = []
        for index in 0..<20_000 {
            let names = [
                "api.github.com", "d111111abcdef8.cloudfront.net", "s3.us-east-1.amazonaws.com", "ntp.ubuntu.com",
                "www.google.com", "registry.npmjs.org", "gooogle.com", "updates.example.com",
            ]
            let name = names[Int(generator.next() % UInt64(names.count))]
            queries.append(DNSRuleTests().query(name, instance: "i-\(index % 20)", time: Timestamps.format(Int64(day + index * 4))))
        }
        scanner.dns(queries)
        let events = (0..<2_000).map { index in
            CloudTrailRuleTests().event(
                ["DescribeInstances", "ListBuckets", "GetObject", "PutObject"][index % 4], source: "ec2.amazonaws.com", ip: "198.51.100.7")
        }
        scanner.cloudTrail(Array(events.joined(separator: "\n").utf8))
        let findings = scanner.engine.findings()
        let high = findings.filter { $0.severity >= 7 }
        #expect(high.isEmpty, "\(high.map(\.type))")
        #expect(
            findings.isEmpty,
            "benign day produced \(findings.map(\.type)) from \(flows.count) flow records, \(queries.count) queries, \(events.count) events")
    }

    @Test func randomLookingNXDomainBurstIsDGA() {
        let scanner = Scanner()
        let names = [
            "xkqzvbnmtrwplf", "qwrtzpsdfghjkl", "zxcvbnmqwrtpsd", "mnbvcxzlkjhgfd", "plkmjnhbgvfcdx", "qazwsxedcrfvtg",
            "yhnujmikolpqaz", "wsxcdevfrbgtnh", "rfvtgbyhnujmki", "tgbyhnujmikolp", "bgtnhymjuklopq",
        ]
        scanner.dns(
            names.map { DNSRuleTests().query("\($0).com", time: "2024-01-01T00:00:00Z").replacingOccurrences(of: "NOERROR", with: "NXDOMAIN") })
        #expect(scanner.types()["Trojan:EC2/DGADomainRequest.B"] != nil)
    }

    @Test func aScannerThatFindsAnOpenPortIsAProbe() {
        var scanner = Scanner()
        var lines = (0..<12).map { flowLine("45.9.20.200", "10.0.0.5", 40_000 + $0, 1_000 + $0, start: 1_700_000_000, action: "REJECT") }
        lines.append(flowLine("45.9.20.200", "10.0.0.5", 40_100, 6379, start: 1_700_000_010))
        scanner.flowLines(lines)
        let probe = scanner.types()["Recon:EC2/PortProbeUnprotectedPort"]
        #expect(probe?.service.action.portProbeAction?.portProbeDetails.first?.localPortDetails.port == 6379)
        // GuardDuty: Low, High only when Elasticsearch's ports are open to the prober.
        #expect(probe?.severity == 2)
        var elastic = Scanner()
        elastic.flowLines(Array(lines.dropLast()) + [flowLine("45.9.20.200", "10.0.0.5", 40_100, 9200, start: 1_700_000_010)])
        let elasticProbe = elastic.types()["Recon:EC2/PortProbeUnprotectedPort"]
        #expect(elasticProbe?.service.action.portProbeAction?.portProbeDetails.first?.localPortDetails.port == 9200)
        #expect(elasticProbe?.severity == 8)
    }
}

struct SplitMixGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("CloudTrail reader")
struct CloudTrailReaderTests {
    /// The byte-level reader and the JSONSerialization one see the same events in every CloudTrail file we have.
    @Test func byteLevelReaderAgreesWithTheFullParser() throws {
        let directory = try SharedData.require().appendingPathComponent("stratus-red-team")
        var files = try FileManager.default.contentsOfDirectory(atPath: directory.path).map { "stratus-red-team/\($0)" }
        files += [
            "panther-scenario/compromised-root-creds/attacker_cloudtrail.native.json",
            "panther-scenario/enrichment-example/attacker_cloudtrail.native.json",
        ]
        var compared = 0
        for file in files where file.hasSuffix(".json") {
            guard let bytes = try? SharedData.bytes(file) else { continue }
            let fast = cloudTrailSummary(bytes, byteLevel: true)
            #expect(fast == cloudTrailSummary(bytes, byteLevel: false), "\(file)")
            compared += fast.count
        }
        #expect(compared > 300)
    }
}

@Suite("Built-in address intelligence")
struct BuiltInAddressTests {
    @Test func torAndMiningPoolAddressesFromTheIntelFiles() {
        let intelligence = Intelligence(
            torNodes: [IPNetwork.parse("185.220.101.50")!], miningPools: [IPNetwork.parse("94.130.12.0/24")!]
        )
        let engine = DetectionEngine(intelligence: intelligence, accountId: "123456789012", detectorId: "d")
        var flow = FlowLogParser(names: engine.names)
        flow.parse(
            Array(
                [
                    flowLine("10.0.0.5", "185.220.101.50", 40_000, 9001, start: 1_700_000_000),
                    flowLine("10.0.0.6", "94.130.12.7", 40_001, 3333, start: 1_700_000_000),
                    flowLine("10.0.0.7", "8.8.8.8", 40_002, 53, start: 1_700_000_000, protocolNumber: 17),
                ].joined(separator: "\n").utf8)
        ) { engine.process($0) }
        var trail = CloudTrailParser()
        trail.parse(
            Array(
                [
                    CloudTrailRuleTests().event("ListBuckets", source: "s3.amazonaws.com", ip: "185.220.101.50"),
                    CloudTrailRuleTests().event("CreateUser", source: "iam.amazonaws.com", ip: "185.220.101.50"),
                ].joined(separator: "\n").utf8)
        ) { engine.process($0) }
        #expect(
            Set(engine.findings().map(\.type)) == [
                "UnauthorizedAccess:EC2/TorClient", "CryptoCurrency:EC2/BitcoinTool.B", "Recon:IAMUser/TorIPCaller",
                "UnauthorizedAccess:IAMUser/TorIPCaller",
            ])
    }

    @Test func theShippedIntelFilesParse() throws {
        let intel = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("intel")
        for file in ["tor-exit-nodes.txt", "mining-pool-ips.txt"] {
            let list = ListParser.parse(Array(try Data(contentsOf: intel.appendingPathComponent(file))), format: .txt, content: .addresses)
            #expect(list.malformedCount == 0, "\(file)")
        }
        let locationFile = try String(contentsOf: intel.appendingPathComponent("ip-locations.tsv"), encoding: .utf8)
        #expect(locationFile.split(separator: "\n").allSatisfy { $0.hasPrefix("#") } || !Intelligence.locations(tsv: locationFile).isEmpty)
        let domains = Intelligence.builtInDomains(tsv: try String(contentsOf: intel.appendingPathComponent("dns-domains.tsv"), encoding: .utf8))
        #expect(domains.count >= 20)
        #expect(domains.allSatisfy { FindingCatalog.all[$0.type] != nil }, "every type in dns-domains.tsv is one the engine knows")
    }
}
