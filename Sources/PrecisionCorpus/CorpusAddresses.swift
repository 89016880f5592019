/// The public addresses a corpus uses, by what they are. All are public unicast (no private, shared, documentation or
/// other bogon space); AWS addresses are inside AWS's published ranges (ip-ranges.json) for the service named.
enum CorpusAddresses {
    /// /16 networks of consumer and business ISPs around the world, for website visitors and API clients.
    static let clientNetworks = [
        "24.6", "24.91", "31.13", "36.74", "37.120", "41.203", "46.114", "49.206", "60.241", "62.30", "67.171", "68.183", "71.202", "73.92",
        "76.14", "77.20", "78.46", "79.140", "81.2", "82.64", "83.221", "84.252", "85.10", "86.161", "88.130", "89.64", "90.116", "91.109",
        "92.40", "93.174", "94.23", "95.91", "98.207", "101.53", "103.21", "105.112", "109.190", "110.54", "112.134", "114.79", "115.64",
        "117.200", "118.69", "121.44", "122.161", "124.6", "125.63", "136.158", "151.24", "152.166", "154.72", "171.61", "174.61", "175.39",
        "177.37", "179.218", "181.47", "182.70", "186.84", "187.20", "189.6", "190.104", "191.33", "196.52", "197.210", "200.68", "201.140",
        "212.58", "213.87", "217.8",
    ]
    /// Tor exit relays (from the Tor Project's exit list as mirrored by FireHOL's tor_exits ipset, 2026-08-22): visitors
    /// of the public website come from these.
    static let torExits = ["185.220.101.141", "192.42.116.93", "204.8.96.80", "2.56.10.36", "23.129.64.217", "62.84.176.89", "102.130.127.117"]
    /// A Tor relay an infected instance connects to (same source).
    static let torRelay = "147.90.234.159"
    /// Mining-pool stratum servers (synthetic; no public list of pool addresses is shipped with the project's data).
    static let miningPools = ["51.15.58.224", "94.130.12.27"]
    /// The office's egress network (console users, SSH to the bastion), a US cable ISP.
    static let office = "73.162.88"
    /// A console user's home network (US) and a mobile hotspot (US).
    static let home = "24.30.61"
    static let hotspot = "172.56.21"
    /// A console user travelling in Japan.
    static let travel = "126.72.14"
    /// Where the stolen console password is used from (Russia) 22 minutes after the owner's sign-in.
    static let foreignLogin = "5.45.207"
    /// Public resolvers asking the company's authoritative DNS server.
    static let resolvers = ["8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "208.67.222.222", "149.112.112.112", "64.6.64.6"]
    /// MX hosts of mail recipients (Google, Microsoft, Yahoo, Proton, others).
    static let mxHosts = [
        "142.250.27.26", "142.250.153.27", "64.233.184.27", "74.125.206.26", "173.194.76.27", "52.101.68.12", "52.101.73.24",
        "40.107.22.67", "40.107.244.43", "104.47.18.97", "67.195.204.72", "98.136.96.75", "185.70.42.128", "212.227.17.8",
        "217.72.192.77", "194.25.134.8", "213.165.67.124",
    ]
    /// MX hosts a spamming instance sends to (other providers' inbound relays).
    static let spamTargets = [
        "66.102.1.26", "209.85.202.27", "52.101.8.49", "40.107.8.107", "98.136.101.117", "67.195.228.94", "188.125.72.74",
        "87.248.110.14", "217.146.76.12", "195.130.132.8", "193.222.135.150", "80.12.242.12", "81.169.145.97",
    ]
    /// Package mirrors and code hosting: Debian (Fastly), PyPI (Fastly), npm (Cloudflare), GitHub.
    static let mirrors = ["151.101.2.132", "151.101.128.223", "151.101.64.223", "104.16.24.35", "104.16.27.34", "140.82.112.3", "140.82.114.4"]
    /// CDNs: CloudFront (GLOBAL), Akamai, Fastly, jsDelivr.
    static let cdns = ["13.32.99.12", "13.35.7.64", "23.45.102.177", "23.215.0.136", "151.101.1.229", "104.18.186.31"]
    /// A random S3 address in us-east-1 (52.216.0.0/15, service S3): S3's names resolve to a large, rotating pool.
    static func s3(_ rng: inout SplitMix64) -> String {
        "52.\(rng.int(216...217)).\(rng.int(0...255)).\(rng.int(1...254))"
    }

    /// The Debian mirror (Fastly), fetched over plain HTTP by apt; the other mirrors are HTTPS.
    static let debianMirror = "151.101.2.132"
    /// AWS public endpoints (sts, ssm, ec2, monitoring SaaS on EC2) in us-east-1 EC2/AMAZON ranges.
    static let awsEndpoints = ["54.239.28.85", "52.46.128.52", "3.226.134.30", "52.94.228.178", "3.233.146.15"]
    /// The off-site backup peer (an rsync-over-SSH provider).
    static let backupPeer = "69.43.165.28"
    /// Customer webhook receivers are drawn from `clientNetworks`; third-party APIs the apps call.
    static let apis = ["104.18.32.47", "172.64.155.209", "35.186.224.25", "34.107.221.82", "199.232.86.133", "146.75.78.133", "162.159.140.229"]
    /// Elastic IPs of the account: us-east-1 EC2 ranges (3.80.0.0/12, 44.192.0.0/11, 54.152.0.0/16).
    static let elasticIPs = [
        "3.85.117.42", "44.205.18.201", "54.152.64.9", "3.92.210.77", "44.211.40.133", "3.87.3.158", "54.152.201.31", "3.91.44.12", "44.199.83.5",
    ]
    /// Another AWS customer's instance in eu-west-1 (34.240.0.0/13, EC2) using a stolen instance credential.
    static let otherAccountEC2 = "34.243.118.206"
    /// An address outside AWS (a VPS provider) using a stolen instance credential.
    static let outsideAWS = "91.219.237.21"
    /// The internet scanner probing Elasticsearch, the SSH brute forcer, the flood's victim, the exfiltration peer.
    static let scanner = "45.155.205.233"
    static let bruteForcer = "61.177.172.140"
    static let floodVictim = "203.113.174.44"
    static let exfiltrationPeer = "45.77.152.93"
    static let ircServer = "130.185.232.126"

    /// A random public client address.
    static func client(_ rng: inout SplitMix64) -> String {
        "\(rng.pick(self.clientNetworks)).\(rng.int(0...255)).\(rng.int(1...254))"
    }

    /// The location file lines (CIDR, country) the corpus's own intel adds for the console-login rule.
    static let locations = [
        ("\(office).0/24", "US"), ("\(home).0/24", "US"), ("\(hotspot).0/24", "US"), ("\(travel).0/24", "JP"), ("\(foreignLogin).0/24", "RU"),
    ]
}
