/// The benign DNS classes: AWS endpoint names (internal load balancers and the EKS API every minute), CDNs, package
/// mirrors, customer webhook hosts, the mail relay's MX and DNSBL lookups, search-domain NXDOMAINs, hash lookups.
extension CorpusBuilder {
    static let endpointNames = [
        "sts.us-east-1.amazonaws.com", "ec2.us-east-1.amazonaws.com", "s3.amazonaws.com", "s3.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com",
        "ec2messages.us-east-1.amazonaws.com", "ssmmessages.us-east-1.amazonaws.com", "sqs.us-east-1.amazonaws.com",
        "secretsmanager.us-east-1.amazonaws.com", "logs.us-east-1.amazonaws.com", "monitoring.us-east-1.amazonaws.com",
        "dynamodb.us-east-1.amazonaws.com", "api.ecr.us-east-1.amazonaws.com", "111122223333.dkr.ecr.us-east-1.amazonaws.com",
        "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com", "kms.us-east-1.amazonaws.com",
    ]
    static let cdnNames = [
        "d3k2lq7q0c9x1f.cloudfront.net", "d1a8bmb5gcz4vr.cloudfront.net", "e7808.dscg.akamaiedge.net", "a1843.dscb.akamai.net",
        "cdn.jsdelivr.net", "fonts.gstatic.com", "ajax.googleapis.com", "static.cloudflareinsights.com",
    ]
    static let mirrorNames = [
        "deb.debian.org", "security.debian.org", "pypi.org", "files.pythonhosted.org", "registry.npmjs.org", "github.com",
        "codeload.github.com", "objects.githubusercontent.com", "production.cloudflare.docker.com", "registry-1.docker.io",
    ]

    /// One minute of benign DNS queries.
    func benignDNS(_ minute: Int64) {
        for (index, node) in self.instances("eks-node").enumerated() {
            self.dns(minute + Int64(index * 7), node, "\(self.eksCluster).gr7.us-east-1.eks.amazonaws.com", answers: ["3.230.16.\(40 + index)"])
            // Pods resolve with ndots:5: an external name is tried with the node's search domain first (NXDOMAIN).
            for _ in 0..<self.rng.count(mean: max(self.density, 0.2)) {
                let name = self.rng.pick(Self.endpointNames + ["api.github.com", "hooks.slack.com", "api.stripe.com"])
                let at = self.second(in: minute)
                self.dns(at, node, "\(name).ec2.internal", rcode: "NXDOMAIN", answers: [])
                self.dns(at, node, name, answers: [self.rng.pick(CorpusAddresses.apis)])
            }
        }
        for app in self.instances("app").prefix(2) {
            self.dns(minute + 11, app, "internal-orders-api-1234567890.us-east-1.elb.amazonaws.com", answers: ["10.0.1.200", "10.0.2.200"])
        }
        for instance in self.instanceInterfaces {
            for _ in 0..<self.events(perMinute: 0.5) {
                self.dns(self.second(in: minute), instance, self.rng.pick(Self.endpointNames), answers: [self.rng.pick(CorpusAddresses.awsEndpoints)])
            }
            if self.rng.chance(0.2 * self.density) {
                self.dns(self.second(in: minute), instance, "\(self.rng.pick(Self.endpointNames)).ec2.internal", rcode: "NXDOMAIN", answers: [])
            }
        }
        for web in self.instances("web") + self.instances("web-behind-elb") {
            for _ in 0..<self.events(perMinute: 0.3) {
                self.dns(self.second(in: minute), web, self.rng.pick(Self.cdnNames), answers: [self.rng.pick(CorpusAddresses.cdns)])
            }
        }
        for runner in self.instances("ci-runner") {
            for _ in 0..<self.events(perMinute: 1) {
                self.dns(self.second(in: minute), runner, self.rng.pick(Self.mirrorNames), answers: [self.rng.pick(CorpusAddresses.mirrors)])
            }
            if self.rng.chance(0.01) {
                // Team Cymru's malware hash registry, asked by the CI's artefact scanner: NXDOMAIN means "not known bad".
                self.dns(self.second(in: minute), runner, "\(self.rng.hex(40)).malware.hash.cymru.com", type: "TXT", rcode: "NXDOMAIN", answers: [])
            }
        }
        for _ in 0..<self.rng.count(mean: 1) {
            let customer = self.rng.int(0..<self.customerHosts.count)
            let name = "hooks.\(Self.customerWords[customer % Self.customerWords.count])\(customer).com"
            self.dns(self.second(in: minute), self["hooks-1"], name, answers: [self.customerHosts[customer]])
        }
        let (_, minuteOfDay) = self.clock(minute)
        if (7 * 60..<19 * 60).contains(minuteOfDay) { self.mailLookups(minute) }
    }

    /// The mail relay's MX lookups, and the DNSBL checks of its spam filter (reversed addresses under one zone).
    func mailLookups(_ minute: Int64) {
        let relay = self["mail-1"]
        for _ in 0..<self.rng.count(mean: 0.5) {
            let domain = self.rng.pick(
                ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "gmx.de", "web.de", "t-online.de"] + self.customerDomains)
            let at = self.second(in: minute)
            self.dns(at, relay, domain, type: "MX", answers: ["10 mx.\(domain)"])
            self.dns(at + 1, relay, "_dmarc.\(domain)", type: "TXT", answers: ["\"v=DMARC1; p=quarantine\""])
            self.dns(at + 1, relay, "selector1._domainkey.\(domain)", type: "TXT", rcode: self.rng.chance(0.5) ? "NOERROR" : "NXDOMAIN", answers: [])
        }
        for _ in 0..<self.rng.count(mean: 0.3) {
            let octets = CorpusAddresses.client(&self.rng).split(separator: ".").reversed().joined(separator: ".")
            let listed = self.rng.chance(0.05)
            self.dns(
                self.second(in: minute), relay, "\(octets).zen.spamhaus.org", rcode: listed ? "NOERROR" : "NXDOMAIN",
                answers: listed ? ["127.0.0.4"] : [])
        }
    }

    /// A few customers' mail domains.
    var customerDomains: [String] { Self.customerWords.prefix(5).enumerated().map { "\($0.element)\($0.offset).com" } }
}
