import Detection
import Foundation
import GuardDutyModel
import Testing

/// The DNS rules on names that look random but are not, and on the attacks they must still find.
@Suite("DNS precision")
struct DNSPrecisionTests {
    static let day: Int64 = 1_767_225_600

    static func query(_ name: String, at seconds: Int64, instance: String = "i-0abc", rcode: String = "NOERROR", answers: String = "[]") -> String {
        DNSRuleTests().query(name, instance: instance, time: TrailEvents.time(seconds), answers: answers)
            .replacingOccurrences(of: #""rcode":"NOERROR""#, with: #""rcode":"\#(rcode)""#)
    }

    static func findings(_ lines: [String]) -> [Finding] {
        let scanner = Scanner()
        scanner.dns(lines)
        return scanner.engine.findings()
    }

    /// A label of `count` random lower-case letters and digits (seeded).
    static func randomLabel(_ generator: inout SplitMixGenerator, _ count: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    @Test func manyDifferentHighEntropyNamesUnderOneDomainAreExfiltrationInEitherOrder() throws {
        var generator = SplitMixGenerator(seed: 7)
        let lines = (0..<12).map { index in
            Self.query(
                "\(Self.randomLabel(&generator, 50)).\(Self.randomLabel(&generator, 20)).files.example.co.uk", at: Self.day + Int64(index) * 20)
        }
        let finding = try #require(Self.findings(lines).first { $0.type == "Trojan:EC2/DNSDataExfiltration" })
        #expect(finding.severity == 8 && finding.service.count == 12)
        #expect(finding.description.contains("under example.co.uk"))
        #expect(TrailEvents.summary(Self.findings(lines.reversed())) == TrailEvents.summary(Self.findings(lines)))
    }

    @Test func aBurstAcrossAWindowBoundaryIsFoundAndASlowDripIsNot() throws {
        var generator = SplitMixGenerator(seed: 9)
        // Four names in the last minute of one ten-minute window and four in the first of the next: one burst.
        let straddling = (0..<8).map { index in
            Self.query("\(Self.randomLabel(&generator, 48)).t.exfil-example.net", at: Self.day + 540 + Int64(index) * 15)
        }
        let finding = try #require(Self.findings(straddling).first { $0.type == "Trojan:EC2/DNSDataExfiltration" })
        #expect(finding.service.count == 8)
        #expect(TrailEvents.summary(Self.findings(straddling.reversed())) == TrailEvents.summary(Self.findings(straddling)))
        // One different name every five minutes: never five within ten minutes.
        let drip = (0..<24).map { index in
            Self.query("\(Self.randomLabel(&generator, 48)).t.exfil-example.net", at: Self.day + Int64(index) * 300)
        }
        #expect(Self.findings(drip).isEmpty)
    }

    @Test func oneLongNameAskedEveryMinuteIsNotExfiltration() {
        let name = "k8s-a1b2c3d4e5f60718293a4b5c6d7e8f90-1234567890abcdef.telemetry.example.com"
        #expect(DNSExfiltration.looksLikeExfiltration(name))
        #expect(Self.findings((0..<60).map { Self.query(name, at: Self.day + Int64($0) * 60) }).isEmpty)
    }

    @Test(arguments: [
        "internal-my-internal-lb-1234567890.us-east-1.elb.amazonaws.com",
        "a1b2c3d4e5f60718293a4b5c6d7e8f90.gr7.us-east-1.eks.amazonaws.com",
        "k8s-default-ingress-0a1b2c3d4e-1234567890abcdef.elb.us-east-1.amazonaws.com",
        "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
        "my-bucket-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d.s3.us-east-1.amazonaws.com",
        "vpce-0a1b2c3d4e5f67890-abcdefgh.sts.us-east-1.vpce.amazonaws.com",
        "d1a2b3c4d5e6f7890abcdefghijklmnopqrstuv.cloudfront.net",
        "e1234.dscx.akamaiedge.net", "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8.blob.core.windows.net",
        "0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b.storage.googleapis.com",
        "b.1.0.0.2.f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.0.f.e.d.c.b.a.9.8.7.6.ip6.arpa",
        "ip-10-0-1-23.us-east-1.compute.internal", "x7k2m9q4w8e5r1t6y3u0.fastly.net",
        "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b._file.abcdefghijklmnop.hbl.dq.spamhaus.net",
        "0.4.f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6.1.sophosxl.net",
    ])
    func cloudAndCDNEndpointNamesAreNotExfiltration(_ name: String) {
        #expect(!DNSExfiltration.looksLikeExfiltration(name))
        #expect(!DNSExfiltration.looksGenerated(name))
    }

    @Test func manyDifferentEKSAndLoadBalancerNamesStayQuiet() {
        var generator = SplitMixGenerator(seed: 11)
        let lines = (0..<200).map { index in
            let name =
                index % 2 == 0
                ? "\(Self.randomLabel(&generator, 32)).gr7.us-east-1.eks.amazonaws.com"
                : "internal-\(Self.randomLabel(&generator, 20))-\(Self.randomLabel(&generator, 10)).us-east-1.elb.amazonaws.com"
            return Self.query(name, at: Self.day + Int64(index))
        }
        #expect(Self.findings(lines).isEmpty)
    }

    @Test func theRegisteredDomainKnowsCommonMultiLabelSuffixes() {
        #expect(DNSExfiltration.registeredDomain("a.b.example.co.uk") == "example.co.uk")
        #expect(DNSExfiltration.registeredDomain("www.shop.com.au") == "shop.com.au")
        #expect(DNSExfiltration.registeredDomain("a.b.example.com") == "example.com")
        #expect(DNSExfiltration.registeredDomain("co.uk") == "co.uk")
        #expect(DNSExfiltration.registeredDomain("localhost") == "localhost")
    }

    @Test func aDGABurstUnderAMultiLabelSuffixIsFoundAndChromesProbesAndCDNHashesAreNot() {
        var generator = SplitMixGenerator(seed: 3)
        let dga = (0..<12).map { index in
            Self.query("\(Self.randomLabel(&generator, 16)).co.uk", at: Self.day + Int64(index), rcode: "NXDOMAIN")
        }
        #expect(Self.findings(dga).contains { $0.type == "Trojan:EC2/DGADomainRequest.B" })
        // Chrome's start-up probes: random single labels, alone or with the search domains appended.
        let chrome = (0..<30).flatMap { index -> [String] in
            let label = Self.randomLabel(&generator, 7 + index % 9)
            return [
                Self.query(label, at: Self.day + Int64(index), rcode: "NXDOMAIN"),
                Self.query("\(label).ec2.internal", at: Self.day + Int64(index), rcode: "NXDOMAIN"),
                Self.query("\(label).us-east-1.compute.internal", at: Self.day + Int64(index), rcode: "NXDOMAIN"),
            ]
        }
        // CDN hash names that no longer exist (an expired distribution).
        let cdn = (0..<30).map { index in
            Self.query("d\(Self.randomLabel(&generator, 13)).cloudfront.net", at: Self.day + Int64(index), rcode: "NXDOMAIN")
        }
        #expect(Self.findings(chrome + cdn).isEmpty)
    }

    @Test func aDGABurstAcrossAWindowBoundaryIsOneBurstInEitherOrder() throws {
        var generator = SplitMixGenerator(seed: 5)
        let names = (0..<14).map { _ in "\(Self.randomLabel(&generator, 15)).ru" }
        let burst = names.enumerated().map { index, name in Self.query(name, at: Self.day + 570 + Int64(index) * 5, rcode: "NXDOMAIN") }
        // The names the heuristic reads as generated (a random label now and then reads as a word).
        let generated = names.filter(DNSExfiltration.looksGenerated).count
        #expect(generated >= 10)
        let finding = try #require(Self.findings(burst).first { $0.type == "Trojan:EC2/DGADomainRequest.B" })
        #expect(finding.service.count == generated)
        #expect(TrailEvents.summary(Self.findings(burst.reversed())) == TrailEvents.summary(Self.findings(burst)))
    }

    @Test func theMetadataServicesOwnNamesAreNotRebinding() {
        let metadata = #"[{"Rdata":"169.254.169.254","Type":"A","Class":"IN"}]"#
        let benign = ["instance-data", "instance-data.ec2.internal", "metadata.google.internal"].map {
            Self.query($0, at: Self.day, answers: metadata)
        }
        #expect(Self.findings(benign).isEmpty)
        let rebind = Self.findings([Self.query("7f000001.a9fea9fe.rbndr.us", at: Self.day, answers: metadata)])
        #expect(rebind.map(\.type) == ["UnauthorizedAccess:EC2/MetadataDNSRebind"])
    }
}

/// PenTest:IAMUser: the distribution must be a word of the user agent, not a piece of another word.
@Suite("PenTest user agents")
struct PenTestUserAgentTests {
    func types(_ agent: String) -> [String] {
        let scanner = Scanner()
        scanner.cloudTrail(Array(CloudTrailRuleTests().event("ListBuckets", source: "s3.amazonaws.com", agent: agent).utf8))
        return scanner.engine.findings().map(\.type).filter { $0.hasPrefix("PenTest:") }
    }

    @Test(arguments: [
        "Boto3/1.7.61 Python/3.6.5 Linux/4.14.0-kali3-amd64", "aws-cli/2.15.0 Python/3.11.6 Linux/5.15 exe/x86_64.kali.2023",
        "aws-cli/2.0 KaliLinux/2024.1", "Mozilla/5.0 (X11; Kali Linux x86_64)",
    ])
    func aKaliMachineIsReported(_ agent: String) {
        #expect(self.types(agent) == ["PenTest:IAMUser/KaliLinux"])
    }

    @Test(arguments: [
        "aws-sdk-java/2.20 app/kalimba-music-sync/1.4", "Mozilla/5.0 (Windows NT 10.0) Kaliningrad-Office-Proxy/2.1",
        "terraform/1.7 parroting-service/0.3", "aws-cli/2.0 md/command#s3.sync ubuntu/22.04",
    ])
    func aWordThatMerelyContainsTheNameIsNot(_ agent: String) {
        #expect(self.types(agent).isEmpty)
    }
}
