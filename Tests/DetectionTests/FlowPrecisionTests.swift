import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// The flow rules on the traffic of an ordinary busy day: who opened a connection decides what it means, history is
/// per instance and peer, and attempts are told from sessions that carry data. Each attack has its benign look-alike.
@Suite("Flow rules on ordinary traffic")
struct FlowPrecisionTests {
    static let day: Int64 = 1_790_000_000
    /// A day and an hour after the first record: learning is over.
    static let later: Int64 = day + 25 * 3600

    /// A v2 record (no flags): `packets` and `bytes` as given.
    static func line(
        _ src: String, _ dst: String, _ srcPort: Int, _ dstPort: Int, at time: Int64, packets: Int = 12, bytes: Int = 6_000,
        action: String = "ACCEPT", eni: String = "eni-web", protocolNumber: Int = 6
    ) -> String {
        "2 123456789012 \(eni) \(src) \(dst) \(srcPort) \(dstPort) \(protocolNumber) \(packets) \(bytes) \(time) \(time + 60) \(action) OK"
    }

    /// Both records of a session the instance answered: the client's request and the server's reply.
    static func served(client: String, clientPort: Int, at time: Int64, port: Int = 443, eni: String = "eni-web") -> [String] {
        [
            line(client, "10.0.1.10", clientPort, port, at: time, eni: eni),
            line("10.0.1.10", client, port, clientPort, at: time, packets: 20, bytes: 40_000, eni: eni),
        ]
    }

    func findings(_ lines: [String], intelligence: Intelligence = Intelligence()) -> [Finding] {
        let engine = DetectionEngine(intelligence: intelligence, accountId: "123456789012", detectorId: "d")
        var parser = FlowLogParser(names: engine.names)
        parser.parse(Array(lines.joined(separator: "\n").utf8)) { engine.process($0) }
        return engine.findings()
    }

    func types(_ lines: [String], intelligence: Intelligence = Intelligence()) -> Set<String> {
        Set(self.findings(lines, intelligence: intelligence).map(\.type))
    }

    /// A web server answering clients for two days: its replies go to thousands of ephemeral ports, which are not
    /// ports it connects to.
    @Test func aWebServersRepliesToEphemeralPortsAreNotUnusualPorts() {
        var lines: [String] = []
        for minute in 0..<(50 * 60 / 10) {
            let time = Self.day + Int64(minute) * 600
            lines += Self.served(client: "81.2.\(minute % 7 + 1).\(minute % 200 + 20)", clientPort: 32_768 + (minute * 7919) % 28_000, at: time)
            // Its own outbound HTTPS (updates), learned on the first day.
            lines.append(Self.line("10.0.1.10", "151.101.2.15", 50_000 + minute % 1000, 443, at: time))
        }
        #expect(self.types(lines).isEmpty)
    }

    /// v5 records with tcp-flags: the SYN-ACK side answered, whatever its ports say.
    @Test func tcpFlagsDecideWhoOpenedTheConnection() throws {
        let header =
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status "
            + "tcp-flags flow-direction"
        // A service on an ephemeral-looking port (40123) answering a client whose port is 1500: the ports alone mislead.
        var lines = [header]
        for minute in 0..<(30 * 6) {
            let time = Self.day + Int64(minute) * 600
            lines.append("5 123456789012 eni-app 10.0.2.20 52.1.2.3 40123 1500 6 20 30000 \(time) \(time + 60) ACCEPT OK 18 egress")
            lines.append("5 123456789012 eni-app 52.1.2.3 10.0.2.20 1500 40123 6 10 900 \(time) \(time + 60) ACCEPT OK 3 ingress")
        }
        #expect(self.types(lines).isEmpty)
        var parser = FlowLogParser(names: NameTable())
        var records: [FlowRecord] = []
        parser.parse(Array(lines.prefix(3).joined(separator: "\n").utf8)) { records.append($0) }
        #expect(records.map(\.tcpFlags) == [18, 3])
        #expect(records.map(\.flowDirection) == [.egress, .ingress])
    }

    @Test func torVisitorsOfTheWebsiteAreQuietTorOnSSHIsTorIPCallerAndConnectingOutIsTorClient() {
        let tor = Intelligence(torNodes: [IPNetwork.parse("185.220.101.50")!])
        let visitors = (0..<40).flatMap { Self.served(client: "185.220.101.50", clientPort: 40_000 + $0, at: Self.day + Int64($0) * 60) }
        #expect(self.types(visitors, intelligence: tor).isEmpty)
        let ssh = Self.line("185.220.101.50", "10.0.1.10", 41_000, 22, at: Self.day)
        let caller = self.findings([ssh], intelligence: tor)
        #expect(caller.map(\.type) == ["UnauthorizedAccess:EC2/TorIPCaller"])
        #expect(caller.first?.severity == 5 && caller.first?.service.resourceRole == "TARGET")
        let client = Self.line("10.0.1.10", "185.220.101.50", 41_000, 9001, at: Self.day)
        #expect(self.findings([client], intelligence: tor).map(\.type) == ["UnauthorizedAccess:EC2/TorClient"])
    }

    /// Webhooks: completed HTTPS sessions with 120 customers' hosts in ten minutes. A sweep: SYNs to 60 hosts.
    @Test func webhooksToManyHostsAreNotASweepButSYNsToManyHostsAre() {
        let webhooks = (0..<120).flatMap { host -> [String] in
            let remote = "34.\(100 + host % 50).\(host).9"
            let time = Self.day + Int64(host) * 5
            return [
                Self.line("10.0.1.10", remote, 50_000 + host, 443, at: time, packets: 14, bytes: 3_800),
                Self.line(remote, "10.0.1.10", 443, 50_000 + host, at: time, packets: 12, bytes: 6_100),
                // The session's closing packets, logged in the next interval.
                Self.line("10.0.1.10", remote, 50_000 + host, 443, at: time + 60, packets: 1, bytes: 40),
            ]
        }
        #expect(!self.types(webhooks).contains("Impact:EC2/PortSweep"))
        let sweep = (0..<60).map { Self.line("10.0.1.10", "91.200.\($0).7", 51_000 + $0, 5432, at: Self.day + Int64($0), packets: 1, bytes: 60) }
        #expect(self.types(sweep).contains("Impact:EC2/PortSweep"))
    }

    /// A nightly backup to its usual destination, every night, is history; the same volume to a new network is not.
    @Test func aNightlyBackupToItsUsualPeerIsQuietAndALargeUploadToANewPeerIsUnusual() {
        func backup(night: Int, to remote: String) -> [String] {
            let start = Self.day + Int64(night) * 86_400 + 2 * 3600
            return (0..<10).map {
                Self.line("10.0.3.30", remote, 50_000 + $0, 443, at: start + Int64($0) * 60, packets: 70_000, bytes: 100_000_000, eni: "eni-db")
            }
        }
        // Small daily chatter keeps the instance known.
        let chatter = (0..<(4 * 24)).map { Self.line("10.0.3.30", "52.94.0.10", 40_000 + $0, 443, at: Self.day + Int64($0) * 3600, eni: "eni-db") }
        let nights = (0..<4).flatMap { backup(night: $0, to: "54.231.0.20") }
        #expect(!self.types(chatter + nights).contains("Behavior:EC2/TrafficVolumeUnusual"))
        let exfiltration = backup(night: 3, to: "45.77.10.10")
        let found = self.findings(chatter + nights + exfiltration)
        #expect(found.contains { $0.type == "Behavior:EC2/TrafficVolumeUnusual" && $0.severity == 5 })
        // To S3, a different address every night: one peer, AWS's S3 range in the region.
        let s3 = Intelligence(awsRanges: [AWSIPRanges.Prefix(network: IPNetwork.parse("52.216.0.0/15")!, region: "us-east-1", service: "S3")])
        let s3Nights = (0..<4).flatMap { backup(night: $0, to: "52.217.\(10 + $0 * 40).\(7 + $0)") }
        #expect(self.findings(chatter + s3Nights, intelligence: s3).isEmpty)
        #expect(!self.findings(chatter + s3Nights).isEmpty, "without the ranges, each night's /24 is a new peer")
    }

    /// The company mail relay sends to many mail servers every day; an instance with no history of port 25 reaching a
    /// handful of mail servers, however slowly (within a day), is a spambot.
    @Test func theMailRelayIsQuietAndASlowNewSenderIsASpambot() {
        func mail(_ local: String, eni: String, day: Int, hosts: Int, every seconds: Int64) -> [String] {
            (0..<hosts).map {
                Self.line(local, "64.\(20 + $0 % 30).\($0).25", 45_000 + $0, 25, at: Self.day + Int64(day) * 86_400 + Int64($0) * seconds, eni: eni)
            }
        }
        let relay = (0..<3).flatMap { mail("10.0.4.40", eni: "eni-mail", day: $0, hosts: 200, every: 30) }
        #expect(!self.types(relay).contains("Backdoor:EC2/Spambot"))
        let app = (0..<30).map { Self.line("10.0.5.50", "151.101.2.15", 40_000 + $0, 443, at: Self.day + Int64($0) * 3600, eni: "eni-app") }
        let spam = mail("10.0.5.50", eni: "eni-app", day: 2, hosts: 6, every: 600)
        let found = self.findings(app + spam)
        #expect(found.map(\.type) == ["Backdoor:EC2/Spambot"])
        // A slow sender: a mail server an hour, four in a day. Three mails to three domains are an application's.
        #expect(self.types(app + mail("10.0.5.50", eni: "eni-app", day: 2, hosts: 4, every: 3_600)) == ["Backdoor:EC2/Spambot"])
        #expect(self.types(app + mail("10.0.5.50", eni: "eni-app", day: 2, hosts: 3, every: 3_600)).isEmpty)
    }

    /// A TCP flood over three minutes, 600 connections logged every minute with ~200 small packets each; a backup
    /// sending full-size packets as fast is not one.
    @Test func aFloodSpreadOverSmallRecordsIsDenialOfServiceAndABulkTransferIsNot() {
        func records(bytesPerPacket: Int, port: Int) -> [String] {
            (0..<3).flatMap { minute in
                (0..<600).map {
                    let packets = 150 + $0 % 100
                    return Self.line(
                        "10.0.1.10", "93.184.216.34", 10_000 + $0, port, at: Self.day + Int64(minute) * 60, packets: packets,
                        bytes: packets * bytesPerPacket)
                }
            }
        }
        #expect(self.types(records(bytesPerPacket: 60, port: 80)).contains("Backdoor:EC2/DenialOfService.Tcp"))
        #expect(!self.types(records(bytesPerPacket: 1_450, port: 443)).contains("Backdoor:EC2/DenialOfService.Tcp"))
        // A download: the instance's side of it is a stream of bare ACKs, 200,000 a minute, on one connection.
        let download = (0..<3).map {
            Self.line("10.0.1.10", "151.101.2.15", 41_000, 443, at: Self.day + Int64($0) * 60, packets: 200_000, bytes: 200_000 * 52)
        }
        #expect(self.types(download).isEmpty)
        // A DNS server answering a busy resolver: 150,000 small answers a minute, to queries the resolver sent.
        let answers = (0..<3).map {
            Self.line("10.0.1.53", "8.8.4.4", 53, 41_000, at: Self.day + Int64($0) * 60, packets: 150_000, bytes: 150_000 * 90, protocolNumber: 17)
        }
        #expect(self.types(answers).isEmpty)
    }

    /// One SSH session logged every minute for half an hour is one connection; 25 connections are a brute force.
    @Test func aLongSSHSessionIsNotABruteForce() {
        let session = (0..<30).map { Self.line("81.2.3.4", "10.0.1.10", 51_515, 22, at: Self.day + Int64($0) * 20) }
        #expect(self.types(session).isEmpty)
        let attempts = (0..<25).map { Self.line("81.2.3.4", "10.0.1.10", 51_515 + $0, 22, at: Self.day + Int64($0) * 20) }
        #expect(self.types(attempts) == ["UnauthorizedAccess:EC2/SSHBruteForce"])
    }

    /// 24 attempts in four minutes straddling a window boundary (12 in each window) are one brute force, reported once;
    /// the same 24 spread over 40 minutes are not.
    @Test func windowRulesJudgeSlidingSpansAcrossTheWindowBoundary() {
        let boundary = (Self.day / 600 + 1) * 600
        let burst = (0..<24).map { Self.line("81.2.3.4", "10.0.1.10", 40_000 + $0, 22, at: boundary - 120 + Int64($0) * 10) }
        let found = self.findings(burst)
        #expect(found.map(\.type) == ["UnauthorizedAccess:EC2/SSHBruteForce"])
        #expect(found.first?.service.count == 24)
        let slow = (0..<24).map { Self.line("81.2.3.4", "10.0.1.10", 40_000 + $0, 22, at: boundary + Int64($0) * 100) }
        #expect(self.findings(slow).isEmpty)
    }

    /// On a NAT gateway's interface an instance's packets to the internet are `ingress`: the private side is still ours,
    /// so an instance's outbound scan carried by the NAT is a scan by it, not a probe of the internet host.
    @Test func aNATGatewaysIngressRecordsKeepThePrivateSideAsOurs() {
        let header =
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status "
            + "tcp-flags flow-direction"
        let scan = (0..<60).map {
            "5 123456789012 eni-nat 10.0.1.42 185.141.63.120 51000 \(1 + $0) 6 1 44 \(Self.day) \(Self.day + 60) ACCEPT OK 2 ingress"
        }
        #expect(self.types([header] + scan) == ["Recon:EC2/Portscan"])
    }

    /// An instance reaching a Tor relay through its NAT gateway: the gateway's interface logs the connection twice
    /// (before translation from the instance's address, after it from its own). The finding is the instance's; the
    /// gateway's repeats are dropped — unless the instance's own interface is not logged.
    @Test func aNATGatewayDoesNotRepeatTheFindingsOfTheInstancesBehindIt() {
        let tor = Intelligence(torNodes: [IPNetwork.parse("185.220.101.50")!])
        let own = Self.line("10.0.2.20", "185.220.101.50", 41_000, 9001, at: Self.day, eni: "eni-app")
        let carried = [
            Self.line("10.0.2.20", "185.220.101.50", 41_000, 9001, at: Self.day, eni: "eni-nat"),
            Self.line("10.0.0.9", "185.220.101.50", 61_000, 9001, at: Self.day, eni: "eni-nat"),
        ]
        let found = self.findings([own] + carried, intelligence: tor)
        #expect(found.map(\.type) == ["UnauthorizedAccess:EC2/TorClient"])
        #expect(found.first?.resource.instanceDetails?.networkInterfaces?.first?.networkInterfaceId == "eni-app")
        #expect(self.findings(carried, intelligence: tor).map(\.type) == ["UnauthorizedAccess:EC2/TorClient"])
    }

    /// IPv6 addresses are all public: the instance's own is the one its interface's records name most often, so its
    /// connections out are its own and not the remote servers'.
    @Test func anIPv6InstancesOwnAddressIsTheOneItsRecordsShare() {
        let ours = "2600:1f18:abc:de00::10"
        var lines = (0..<48).map {
            Self.line(ours, "2a04:4e42:\($0 % 9 + 1)::223", 40_000 + $0, 443, at: Self.day + Int64($0) * 1800, eni: "eni-v6")
        }
        lines.append(Self.line(ours, "2a01:4f8:1c1c::66", 41_000, 6667, at: Self.day + 26 * 3600, eni: "eni-v6"))
        let found = self.findings(lines)
        #expect(found.map(\.type) == ["Behavior:EC2/NetworkPortUnusual"])
        #expect(found.first?.service.action.networkConnectionAction?.localIpDetails?.ipAddressV6 == ours)
    }
}
