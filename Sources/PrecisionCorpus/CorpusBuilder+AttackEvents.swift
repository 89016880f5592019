/// The injected attacks of the DNS and CloudTrail kind, and the remaining network ones.
extension CorpusBuilder {
    /// Records an attack on a principal (access key and/or user).
    func record(_ name: String, _ types: [String], accessKeyId: String?, userName: String?, from start: Int64, to end: Int64, indicator: String) {
        self.attacks.append(
            CorpusTruth.Attack(
                name: name, acceptedTypes: types, instanceId: nil, interfaceId: nil, accessKeyId: accessKeyId, userName: userName,
                relatedResources: [],
                start: start, end: end, indicator: indicator))
    }

    /// Data carried out in DNS: hundreds of unique high-entropy labels under one domain in twenty minutes.
    func dnsExfiltration(_ minute: Int64) {
        let source = self.victim("app-4")
        let domain = "cdn-sync-update.net"
        for index in 0..<400 {
            let label = self.rng.string(52, from: "abcdefghijklmnopqrstuvwxyz234567")
            self.dns(minute + Int64(index * 3), source, "\(label).\(index).t.\(domain)", type: "TXT", answers: ["\"ok\""])
        }
        self.record("DNS data exfiltration", ["Trojan:EC2/DNSDataExfiltration"], on: source, from: minute, to: minute + 1200, indicator: domain)
    }

    /// A DGA's burst: 150 algorithmically generated names, nearly all NXDOMAIN, in five minutes.
    func dgaBurst(_ minute: Int64) {
        let source = self.victim("worker-5")
        let names = (0..<150).map { _ in
            self.rng.string(self.rng.int(12...20), from: "abcdefghijklmnopqrstuvwxyz") + self.rng.pick([".com", ".net", ".info", ".biz", ".ru"])
        }
        for (index, name) in names.enumerated() {
            let resolved = index % 30 == 29
            self.dns(
                minute + Int64(index * 2), source, name, rcode: resolved ? "NOERROR" : "NXDOMAIN",
                answers: resolved ? ["185.117.73.\(index % 200)"] : [])
        }
        self.record(
            "DGA NXDOMAIN burst", ["Trojan:EC2/DGADomainRequest.B", "Trojan:EC2/DGADomainRequest.C!DNS", "Trojan:EC2/DGADomainRequest.D"], on: source,
            from: minute, to: minute + 300, indicator: names[0])
    }

    /// A stolen console password: the owner signed in at the office at 10:49; the thief signs in from Russia at 11:11.
    func foreignConsoleLogin(_ minute: Int64) {
        let at = minute + 15
        self.trail(
            at, "signin.amazonaws.com", "ConsoleLogin", identity: self.userIdentity("dana", accessKeyId: nil),
            ip: "\(CorpusAddresses.foreignLogin).18",
            agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36", readOnly: false,
            response: ["ConsoleLogin": "Success"], extra: ["additionalEventData": ["MFAUsed": "No", "MobileVersion": "No"]])
        self.record(
            "console sign-ins from two countries 22 minutes apart", ["UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B"], accessKeyId: nil,
            userName: "dana",
            from: minute - 22 * 60, to: at, indicator: "\(CorpusAddresses.foreignLogin).18")
    }

    /// An instance's role session used from elsewhere: outside AWS, or from another AWS account's EC2 address.
    func stolenInstanceCredentials(_ minute: Int64, instance: CorpusInterface, from address: String, outside: Bool) {
        let session = self.instanceSession(instance, at: minute)
        let calls = [("sts", "GetCallerIdentity"), ("s3", "ListBuckets"), ("ec2", "DescribeInstances"), ("iam", "ListUsers"), ("iam", "ListRoles")]
        for (index, call) in calls.enumerated() {
            self.trail(
                minute + Int64(index * 40), "\(call.0).amazonaws.com", call.1, identity: session.identity, ip: address,
                agent: "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-1014-aws exe/x86_64.ubuntu.22")
        }
        let type = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.\(outside ? "OutsideAWS" : "InsideAWS")"
        self.record(
            "instance credentials used \(outside ? "outside AWS" : "from another AWS account")", [type], accessKeyId: session.accessKeyId,
            userName: nil, from: minute, to: minute + 200, indicator: address)
    }

    /// A large transfer (6 GB in 40 minutes) from a database to a peer it never talked to.
    func largeTransfer(_ minute: Int64) {
        let source = self["db-2"]
        self.outbound(
            source,
            .session(
                from: "", self.rng.ephemeralPort(), to: CorpusAddresses.exfiltrationPeer, 443, at: minute, duration: 2400, sent: 6_000_000_000,
                received: 9_000_000))
        self.record(
            "unusual traffic volume to a new peer", ["Behavior:EC2/TrafficVolumeUnusual"], on: source, from: minute, to: minute + 2400,
            indicator: CorpusAddresses.exfiltrationPeer)
    }

    /// An instance opening an IRC connection (6667), a port it never used.
    func ircConnection(_ minute: Int64) {
        let source = self.victim("worker-7")
        self.outbound(
            source,
            .session(
                from: "", self.rng.ephemeralPort(), to: CorpusAddresses.ircServer, 6667, at: minute, duration: 1200, sent: 30000, received: 80000))
        self.record(
            "outbound to an unusual port", ["Behavior:EC2/NetworkPortUnusual"], on: source, from: minute, to: minute + 1200,
            indicator: CorpusAddresses.ircServer)
    }

    /// A scanner sweeping the monitoring server's ports: most are closed to it (REJECT), Elasticsearch's are open.
    func elasticsearchProbe(_ minute: Int64) {
        let target = self["mon-1"]
        let ports = [21, 22, 23, 80, 443, 445, 1433, 3306, 3389, 5432, 5601, 6379, 8080, 9200, 9300, 27017]
        for (index, port) in ports.enumerated() {
            let at = minute + Int64(index * 5)
            if port == 9200 || port == 9300 {
                self.inbound(
                    target,
                    .session(from: CorpusAddresses.scanner, self.rng.ephemeralPort(), to: "", port, at: at, duration: 1, sent: 300, received: 700))
            } else {
                var probe = CorpusConnection.attempt(from: CorpusAddresses.scanner, self.rng.ephemeralPort(), to: "", port, at: at, reset: false)
                probe.accepted = false
                probe.forwardPackets = 1
                probe.forwardBytes = 44
                self.inbound(target, probe)
            }
        }
        self.record(
            "unprotected Elasticsearch probed", ["Recon:EC2/PortProbeUnprotectedPort"], on: target, from: minute, to: minute + 80,
            indicator: CorpusAddresses.scanner)
    }

    /// A user's access key called through Tor.
    func torAPICalls(_ minute: Int64) {
        let keyId = Self.keyId("AKIA", "reporting")
        let exit = CorpusAddresses.torExits[0]
        for (index, call) in [("sts", "GetCallerIdentity"), ("s3", "ListBuckets"), ("ec2", "DescribeInstances"), ("iam", "ListAccessKeys")]
            .enumerated()
        {
            self.trail(
                minute + Int64(index * 25), "\(call.0).amazonaws.com", call.1, identity: self.userIdentity("reporting", accessKeyId: keyId), ip: exit,
                agent: "Boto3/1.34.144 Python/3.12.4 Linux/6.8 Botocore/1.34.144")
        }
        self.record(
            "API calls from a Tor exit", ["Recon:IAMUser/TorIPCaller", "UnauthorizedAccess:IAMUser/TorIPCaller"], accessKeyId: keyId,
            userName: "reporting",
            from: minute, to: minute + 100, indicator: exit)
    }
}
