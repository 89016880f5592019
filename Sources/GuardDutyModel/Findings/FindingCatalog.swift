/// The finding types the engine produces, with GuardDuty's default severity, resource type and wording.
public struct FindingTypeInfo: Sendable {
    public var type: String
    public var severity: Double
    public var resourceType: String
    public var featureName: String
    public var title: String
}

/// GuardDuty's catalogue for the types Guardpost detects (severities: Low 2, Medium 5, High 8).
public enum FindingCatalog {
    static func info(_ type: String, _ severity: Double, _ resource: String, _ feature: String, _ title: String) -> (String, FindingTypeInfo) {
        (type, FindingTypeInfo(type: type, severity: severity, resourceType: resource, featureName: feature, title: title))
    }

    public static let all: [String: FindingTypeInfo] = Dictionary(uniqueKeysWithValues: [
        info("UnauthorizedAccess:EC2/SSHBruteForce", 2, "Instance", "FlowLogs", "SSH brute force attacks against an EC2 instance."),
        info("UnauthorizedAccess:EC2/RDPBruteForce", 2, "Instance", "FlowLogs", "RDP brute force attacks against an EC2 instance."),
        info("UnauthorizedAccess:EC2/TorClient", 8, "Instance", "FlowLogs", "An EC2 instance is making connections to a Tor Guard or an Authority node."),
        info("CryptoCurrency:EC2/BitcoinTool.B", 8, "Instance", "FlowLogs", "An EC2 instance is communicating with a cryptocurrency mining pool."),
        info("UnauthorizedAccess:IAMUser/TorIPCaller", 5, "AccessKey", "CloudTrail", "An API was invoked from a Tor exit node IP address."),
        info("Recon:IAMUser/TorIPCaller", 5, "AccessKey", "CloudTrail", "A reconnaissance API was invoked from a Tor exit node IP address."),
        info("Recon:EC2/PortProbeUnprotectedPort", 2, "Instance", "FlowLogs", "An unprotected port on an EC2 instance is being probed by a remote host."),
        info("Trojan:EC2/DGADomainRequest.B", 8, "Instance", "DnsLogs", "An EC2 instance is querying algorithmically generated domains."),
        info("Recon:EC2/Portscan", 5, "Instance", "FlowLogs", "An EC2 instance is performing outbound port scans against a remote host."),
        info("Impact:EC2/PortSweep", 8, "Instance", "FlowLogs", "An EC2 instance is probing a port on a large number of IP addresses."),
        info("Backdoor:EC2/Spambot", 5, "Instance", "FlowLogs", "An EC2 instance is exhibiting unusual behavior by communicating with a remote host on port 25."),
        info("Backdoor:EC2/DenialOfService.Tcp", 8, "Instance", "FlowLogs", "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using TCP."),
        info("Backdoor:EC2/DenialOfService.Udp", 8, "Instance", "FlowLogs", "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using UDP."),
        info("Backdoor:EC2/DenialOfService.Dns", 8, "Instance", "FlowLogs", "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using DNS."),
        info("Backdoor:EC2/DenialOfService.UdpOnTcpPorts", 8, "Instance", "FlowLogs", "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using UDP on TCP ports."),
        info("Backdoor:EC2/DenialOfService.UnusualProtocol", 8, "Instance", "FlowLogs", "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using an unusual protocol."),
        info("UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", 5, "Instance", "FlowLogs", "An EC2 instance is communicating with an IP address on a custom threat list."),
        info("Backdoor:EC2/C&CActivity.B!DNS", 8, "Instance", "DnsLogs", "An EC2 instance is querying a domain name associated with a known command and control server."),
        info("CryptoCurrency:EC2/BitcoinTool.B!DNS", 8, "Instance", "DnsLogs", "An EC2 instance is querying a domain name associated with cryptocurrency-related activity."),
        info("Trojan:EC2/DNSDataExfiltration", 8, "Instance", "DnsLogs", "An EC2 instance is exfiltrating data through DNS queries."),
        info("Trojan:EC2/DGADomainRequest.C!DNS", 8, "Instance", "DnsLogs", "An EC2 instance is querying algorithmically generated domains."),
        info("Trojan:EC2/DropPoint!DNS", 5, "Instance", "DnsLogs", "An EC2 instance is querying a domain known to hold credentials and other data captured by malware."),
        info("Trojan:EC2/PhishingDomainRequest!DNS", 8, "Instance", "DnsLogs", "An EC2 instance is querying domains involved in phishing attacks."),
        info("Trojan:EC2/BlackholeTraffic!DNS", 5, "Instance", "DnsLogs", "An EC2 instance is querying a domain name that is being redirected to a black hole IP address."),
        info("Trojan:EC2/DriveBySourceTraffic!DNS", 5, "Instance", "DnsLogs", "An EC2 instance is querying a domain name of a remote host that is a known source of Drive-By download attacks."),
        info("UnauthorizedAccess:EC2/MetadataDNSRebind", 8, "Instance", "DnsLogs", "An EC2 instance is performing DNS lookups that resolve to the instance metadata service."),
        info("Impact:EC2/MaliciousDomainRequest.Reputation", 8, "Instance", "DnsLogs", "An EC2 instance is querying a domain name with a low reputation score associated with known malicious domains."),
        info("Impact:EC2/SuspiciousDomainRequest.Reputation", 2, "Instance", "DnsLogs", "An EC2 instance is querying a suspicious domain name with a low reputation score."),
        info("Impact:EC2/AbusedDomainRequest.Reputation", 5, "Instance", "DnsLogs", "An EC2 instance is querying a domain name with a low reputation score associated with known abused domains."),
        info("Impact:EC2/BitcoinDomainRequest.Reputation", 8, "Instance", "DnsLogs", "An EC2 instance is querying a domain name with a low reputation score associated with cryptocurrency-related activity."),
        info("Impact:EC2/MaliciousDomainRequest.Custom", 8, "Instance", "DnsLogs", "An EC2 instance is querying a domain on a custom threat list."),
        info("Policy:IAMUser/RootCredentialUsage", 2, "AccessKey", "CloudTrail", "API was invoked using root credentials."),
        info("Stealth:IAMUser/CloudTrailLoggingDisabled", 2, "AccessKey", "CloudTrail", "AWS CloudTrail trail was disabled."),
        info("Stealth:IAMUser/PasswordPolicyChange", 2, "AccessKey", "CloudTrail", "Account password policy was weakened."),
        info("PenTest:IAMUser/KaliLinux", 5, "AccessKey", "CloudTrail", "An API was invoked from a Kali Linux computer."),
        info("PenTest:IAMUser/ParrotLinux", 5, "AccessKey", "CloudTrail", "An API was invoked from a Parrot Security Linux computer."),
        info("PenTest:IAMUser/PentooLinux", 5, "AccessKey", "CloudTrail", "An API was invoked from a Pentoo Linux computer."),
        info("UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", 5, "AccessKey", "CloudTrail", "An API was invoked from an IP address on a custom threat list."),
        info("Recon:IAMUser/MaliciousIPCaller.Custom", 5, "AccessKey", "CloudTrail", "A reconnaissance API was invoked from an IP address on a custom threat list."),
        info("UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", 5, "AccessKey", "CloudTrail", "Multiple worldwide successful console logins were observed."),
        info("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 8, "AccessKey", "CloudTrail", "Credentials that were created exclusively for an EC2 instance through an instance launch role are being used from an external IP address."),
        info("Trojan:EC2/BlackholeTraffic", 5, "Instance", "FlowLogs", "An EC2 instance is attempting to communicate with an IP address of a remote host that is a known black hole."),
        info("Behavior:EC2/NetworkPortUnusual", 5, "Instance", "FlowLogs", "An EC2 instance is communicating with a remote host on an unusual server port."),
        info("Behavior:EC2/TrafficVolumeUnusual", 5, "Instance", "FlowLogs", "An EC2 instance is generating unusually large amounts of network traffic to a remote host."),
        info("CredentialAccess:IAMUser/AnomalousBehavior", 5, "AccessKey", "CloudTrail", "An API commonly used to gain access to an AWS environment was invoked in an anomalous way."),
        info("DefenseEvasion:IAMUser/AnomalousBehavior", 5, "AccessKey", "CloudTrail", "An API commonly used to evade defensive measures was invoked in an anomalous way."),
        info("Discovery:IAMUser/AnomalousBehavior", 2, "AccessKey", "CloudTrail", "An API commonly used to discover resources was invoked in an anomalous way."),
        info("Exfiltration:IAMUser/AnomalousBehavior", 8, "AccessKey", "CloudTrail", "An API commonly used to collect data from an AWS environment was invoked in an anomalous way."),
        info("Impact:IAMUser/AnomalousBehavior", 8, "AccessKey", "CloudTrail", "An API commonly used to tamper with data or processes in an AWS environment was invoked in an anomalous way."),
        info("InitialAccess:IAMUser/AnomalousBehavior", 5, "AccessKey", "CloudTrail", "An API commonly used to gain unauthorized access to an AWS environment was invoked in an anomalous way."),
        info("Persistence:IAMUser/AnomalousBehavior", 5, "AccessKey", "CloudTrail", "An API commonly used to maintain unauthorized access to an AWS environment was invoked in an anomalous way."),
        info("PrivilegeEscalation:IAMUser/AnomalousBehavior", 5, "AccessKey", "CloudTrail", "An API commonly used to obtain high-level permissions to an AWS environment was invoked in an anomalous way."),
        info("Discovery:S3/AnomalousBehavior", 2, "S3Bucket", "S3DataEvents", "An IAM entity invoked an S3 API to discover S3 buckets within your environment in an anomalous way."),
        info("Exfiltration:S3/AnomalousBehavior", 8, "S3Bucket", "S3DataEvents", "An IAM entity invoked an S3 API in a suspicious way."),
        info("Impact:S3/AnomalousBehavior.Delete", 8, "S3Bucket", "S3DataEvents", "An IAM entity invoked an S3 API that attempts to delete data in a suspicious way."),
        info("Impact:S3/AnomalousBehavior.Permission", 8, "S3Bucket", "S3DataEvents", "An IAM entity invoked an API used to tamper with S3 permissions in a suspicious way."),
        info("Impact:S3/AnomalousBehavior.Write", 5, "S3Bucket", "S3DataEvents", "An IAM entity invoked an S3 API that attempts to write data in a suspicious way."),
        // S3 Protection: bucket-policy changes (CloudTrail management events, always analysed) …
        info("Policy:S3/BucketBlockPublicAccessDisabled", 2, "AccessKey", "CloudTrail", "Amazon S3 Block Public Access was disabled for an S3 bucket."),
        info("Policy:S3/AccountBlockPublicAccessDisabled", 2, "AccessKey", "CloudTrail", "Amazon S3 Block Public Access was disabled for the account."),
        info("Policy:S3/BucketAnonymousAccessGranted", 8, "AccessKey", "CloudTrail", "An S3 bucket has been granted access to anonymous users."),
        info("Policy:S3/BucketPublicAccessGranted", 8, "AccessKey", "CloudTrail", "An S3 bucket has been granted public access to all AWS users."),
        info("Stealth:S3/ServerAccessLoggingDisabled", 2, "AccessKey", "CloudTrail", "S3 server access logging was disabled for a bucket."),
        // … and object-level activity (CloudTrail S3 data events, only while the S3_DATA_EVENTS feature is on).
        info("PenTest:S3/KaliLinux", 5, "S3Bucket", "S3DataEvents", "An S3 API was invoked from a Kali Linux computer."),
        info("PenTest:S3/ParrotLinux", 5, "S3Bucket", "S3DataEvents", "An S3 API was invoked from a Parrot Security Linux computer."),
        info("PenTest:S3/PentooLinux", 5, "S3Bucket", "S3DataEvents", "An S3 API was invoked from a Pentoo Linux computer."),
        info("UnauthorizedAccess:S3/MaliciousIPCaller.Custom", 8, "S3Bucket", "S3DataEvents", "An S3 API was invoked from an IP address on a custom threat list."),
        info("Discovery:S3/MaliciousIPCaller.Custom", 8, "S3Bucket", "S3DataEvents", "An S3 API commonly used to discover resources was invoked from an IP address on a custom threat list."),
        info("UnauthorizedAccess:S3/TorIPCaller", 8, "S3Bucket", "S3DataEvents", "An S3 API was invoked from a Tor exit node IP address."),
        info("Discovery:S3/TorIPCaller", 5, "S3Bucket", "S3DataEvents", "An S3 API commonly used to discover resources was invoked from a Tor exit node IP address."),
        info("Discovery:S3/MaliciousIPCaller", 8, "S3Bucket", "S3DataEvents", "An S3 API commonly used to discover resources was invoked from a known malicious IP address."),
        info("Exfiltration:S3/MaliciousIPCaller", 8, "S3Bucket", "S3DataEvents", "An S3 API commonly used to collect data was invoked from a known malicious IP address."),
        info("Impact:S3/MaliciousIPCaller", 8, "S3Bucket", "S3DataEvents", "An S3 API commonly used to tamper with data or processes was invoked from a known malicious IP address."),
    ])
}
