/// The finding types the engine produces, with GuardDuty's default severity, resource type and wording.
public struct FindingTypeInfo: Sendable {
    public var type: String
    public var severity: Double
    public var resourceType: String
    public var featureName: String
    public var title: String

    /// The type as a typed value.
    public var findingType: FindingType { FindingType(self.type) }
}

/// GuardDuty's catalogue for the types Guardpost detects (severities: Low 2, Medium 5, High 8).
public enum FindingCatalog {
    static func info(_ type: FindingType, _ severity: Double, _ resource: String, _ feature: String, _ title: String) -> FindingTypeInfo {
        FindingTypeInfo(type: type.rawValue, severity: severity, resourceType: resource, featureName: feature, title: title)
    }

    /// Every type, in the order GuardDuty's documentation groups them.
    public static let entries: [FindingTypeInfo] = [
        info(.unauthorizedAccessEC2SSHBruteForce, 2, "Instance", "FlowLogs", "SSH brute force attacks against an EC2 instance."),
        info(.unauthorizedAccessEC2RDPBruteForce, 2, "Instance", "FlowLogs", "RDP brute force attacks against an EC2 instance."),
        info(
            .unauthorizedAccessEC2TorClient, 8, "Instance", "FlowLogs",
            "An EC2 instance is making connections to a Tor Guard or an Authority node."),
        info(
            .unauthorizedAccessEC2TorIPCaller, 5, "Instance", "FlowLogs",
            "An EC2 instance is receiving inbound connections from a Tor exit node."),
        info(.cryptoCurrencyEC2BitcoinToolB, 8, "Instance", "FlowLogs", "An EC2 instance is communicating with a cryptocurrency mining pool."),
        info(
            .backdoorEC2CCActivityB, 8, "Instance", "FlowLogs",
            "An EC2 instance is querying an IP that is associated with a known command and control server."),
        info(.unauthorizedAccessIAMUserTorIPCaller, 5, "AccessKey", "CloudTrail", "An API was invoked from a Tor exit node IP address."),
        info(.reconIAMUserTorIPCaller, 5, "AccessKey", "CloudTrail", "A reconnaissance API was invoked from a Tor exit node IP address."),
        info(
            .reconEC2PortProbeUnprotectedPort, 2, "Instance", "FlowLogs",
            "An unprotected port on an EC2 instance is being probed by a remote host."),
        info(.trojanEC2DGADomainRequestB, 8, "Instance", "DnsLogs", "An EC2 instance is querying algorithmically generated domains."),
        info(.reconEC2Portscan, 5, "Instance", "FlowLogs", "An EC2 instance is performing outbound port scans against a remote host."),
        info(.impactEC2PortSweep, 8, "Instance", "FlowLogs", "An EC2 instance is probing a port on a large number of IP addresses."),
        info(
            .backdoorEC2Spambot, 5, "Instance", "FlowLogs",
            "An EC2 instance is exhibiting unusual behavior by communicating with a remote host on port 25."),
        info(
            .backdoorEC2DenialOfServiceTcp, 8, "Instance", "FlowLogs",
            "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using TCP."),
        info(
            .backdoorEC2DenialOfServiceUdp, 8, "Instance", "FlowLogs",
            "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using UDP."),
        info(
            .backdoorEC2DenialOfServiceDns, 8, "Instance", "FlowLogs",
            "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using DNS."),
        info(
            .backdoorEC2DenialOfServiceUdpOnTcpPorts, 8, "Instance", "FlowLogs",
            "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using UDP on TCP ports."
        ),
        info(
            .backdoorEC2DenialOfServiceUnusualProtocol, 8, "Instance", "FlowLogs",
            "An EC2 instance is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using an unusual protocol."
        ),
        info(
            .unauthorizedAccessEC2MaliciousIPCallerCustom, 5, "Instance", "FlowLogs",
            "An EC2 instance is communicating with an IP address on a custom threat list."),
        info(
            .backdoorEC2CCActivityBDNS, 8, "Instance", "DnsLogs",
            "An EC2 instance is querying a domain name associated with a known command and control server."),
        info(
            .cryptoCurrencyEC2BitcoinToolBDNS, 8, "Instance", "DnsLogs",
            "An EC2 instance is querying a domain name associated with cryptocurrency-related activity."),
        info(.trojanEC2DNSDataExfiltration, 8, "Instance", "DnsLogs", "An EC2 instance is exfiltrating data through DNS queries."),
        info(.trojanEC2DGADomainRequestCDNS, 8, "Instance", "DnsLogs", "An EC2 instance is querying algorithmically generated domains."),
        info(
            .trojanEC2DropPointDNS, 5, "Instance", "DnsLogs",
            "An EC2 instance is querying a domain known to hold credentials and other data captured by malware."),
        info(.trojanEC2PhishingDomainRequestDNS, 8, "Instance", "DnsLogs", "An EC2 instance is querying domains involved in phishing attacks."),
        info(
            .trojanEC2BlackholeTrafficDNS, 5, "Instance", "DnsLogs",
            "An EC2 instance is querying a domain name that is being redirected to a black hole IP address."),
        info(
            .trojanEC2DriveBySourceTrafficDNS, 5, "Instance", "DnsLogs",
            "An EC2 instance is querying a domain name of a remote host that is a known source of Drive-By download attacks."),
        info(
            .unauthorizedAccessEC2MetadataDNSRebind, 8, "Instance", "DnsLogs",
            "An EC2 instance is performing DNS lookups that resolve to the instance metadata service."),
        info(
            .impactEC2MaliciousDomainRequestReputation, 8, "Instance", "DnsLogs",
            "An EC2 instance is querying a domain name with a low reputation score associated with known malicious domains."),
        info(
            .impactEC2SuspiciousDomainRequestReputation, 2, "Instance", "DnsLogs",
            "An EC2 instance is querying a suspicious domain name with a low reputation score."),
        info(
            .impactEC2AbusedDomainRequestReputation, 5, "Instance", "DnsLogs",
            "An EC2 instance is querying a domain name with a low reputation score associated with known abused domains."),
        info(
            .impactEC2BitcoinDomainRequestReputation, 8, "Instance", "DnsLogs",
            "An EC2 instance is querying a domain name with a low reputation score associated with cryptocurrency-related activity."),
        info(.impactEC2MaliciousDomainRequestCustom, 8, "Instance", "DnsLogs", "An EC2 instance is querying a domain on a custom threat list."),
        info(.policyIAMUserRootCredentialUsage, 2, "AccessKey", "CloudTrail", "API was invoked using root credentials."),
        info(.stealthIAMUserCloudTrailLoggingDisabled, 2, "AccessKey", "CloudTrail", "AWS CloudTrail trail was disabled."),
        info(.stealthIAMUserPasswordPolicyChange, 2, "AccessKey", "CloudTrail", "Account password policy was weakened."),
        info(.penTestIAMUserKaliLinux, 5, "AccessKey", "CloudTrail", "An API was invoked from a Kali Linux computer."),
        info(.penTestIAMUserParrotLinux, 5, "AccessKey", "CloudTrail", "An API was invoked from a Parrot Security Linux computer."),
        info(.penTestIAMUserPentooLinux, 5, "AccessKey", "CloudTrail", "An API was invoked from a Pentoo Linux computer."),
        info(
            .unauthorizedAccessIAMUserMaliciousIPCallerCustom, 5, "AccessKey", "CloudTrail",
            "An API was invoked from an IP address on a custom threat list."),
        info(
            .reconIAMUserMaliciousIPCallerCustom, 5, "AccessKey", "CloudTrail",
            "A reconnaissance API was invoked from an IP address on a custom threat list."),
        info(
            .unauthorizedAccessIAMUserMaliciousIPCaller, 5, "AccessKey", "CloudTrail",
            "An API was invoked from a known malicious IP address."),
        info(
            .reconIAMUserMaliciousIPCaller, 5, "AccessKey", "CloudTrail",
            "A reconnaissance API was invoked from a known malicious IP address."),
        info(
            .unauthorizedAccessIAMUserConsoleLoginSuccessB, 5, "AccessKey", "CloudTrail",
            "Multiple worldwide successful console logins were observed."),
        info(
            .unauthorizedAccessIAMUserInstanceCredentialExfiltrationOutsideAWS, 8, "AccessKey", "CloudTrail",
            "Credentials that were created exclusively for an EC2 instance through an instance launch role are being used from an external IP address."
        ),
        info(
            .unauthorizedAccessIAMUserInstanceCredentialExfiltrationInsideAWS, 8, "AccessKey", "CloudTrail",
            "Credentials that were created exclusively for an EC2 instance through an instance launch role are being used from another AWS account."
        ),
        info(
            .trojanEC2BlackholeTraffic, 5, "Instance", "FlowLogs",
            "An EC2 instance is attempting to communicate with an IP address of a remote host that is a known black hole."),
        info(
            .behaviorEC2NetworkPortUnusual, 5, "Instance", "FlowLogs",
            "An EC2 instance is communicating with a remote host on an unusual server port."),
        info(
            .behaviorEC2TrafficVolumeUnusual, 5, "Instance", "FlowLogs",
            "An EC2 instance is generating unusually large amounts of network traffic to a remote host."),
        info(
            .credentialAccessIAMUserAnomalousBehavior, 5, "AccessKey", "CloudTrail",
            "An API commonly used to gain access to an AWS environment was invoked in an anomalous way."),
        info(
            .defenseEvasionIAMUserAnomalousBehavior, 5, "AccessKey", "CloudTrail",
            "An API commonly used to evade defensive measures was invoked in an anomalous way."),
        info(
            .discoveryIAMUserAnomalousBehavior, 2, "AccessKey", "CloudTrail",
            "An API commonly used to discover resources was invoked in an anomalous way."),
        info(
            .exfiltrationIAMUserAnomalousBehavior, 8, "AccessKey", "CloudTrail",
            "An API commonly used to collect data from an AWS environment was invoked in an anomalous way."),
        info(
            .impactIAMUserAnomalousBehavior, 8, "AccessKey", "CloudTrail",
            "An API commonly used to tamper with data or processes in an AWS environment was invoked in an anomalous way."),
        info(
            .initialAccessIAMUserAnomalousBehavior, 5, "AccessKey", "CloudTrail",
            "An API commonly used to gain unauthorized access to an AWS environment was invoked in an anomalous way."),
        info(
            .persistenceIAMUserAnomalousBehavior, 5, "AccessKey", "CloudTrail",
            "An API commonly used to maintain unauthorized access to an AWS environment was invoked in an anomalous way."),
        info(
            .privilegeEscalationIAMUserAnomalousBehavior, 5, "AccessKey", "CloudTrail",
            "An API commonly used to obtain high-level permissions to an AWS environment was invoked in an anomalous way."),
        info(
            .discoveryS3AnomalousBehavior, 2, "S3Bucket", "S3DataEvents",
            "An IAM entity invoked an S3 API to discover S3 buckets within your environment in an anomalous way."),
        info(.exfiltrationS3AnomalousBehavior, 8, "S3Bucket", "S3DataEvents", "An IAM entity invoked an S3 API in a suspicious way."),
        info(
            .impactS3AnomalousBehaviorDelete, 8, "S3Bucket", "S3DataEvents",
            "An IAM entity invoked an S3 API that attempts to delete data in a suspicious way."),
        info(
            .impactS3AnomalousBehaviorPermission, 8, "S3Bucket", "S3DataEvents",
            "An IAM entity invoked an API used to tamper with S3 permissions in a suspicious way."),
        info(
            .impactS3AnomalousBehaviorWrite, 5, "S3Bucket", "S3DataEvents",
            "An IAM entity invoked an S3 API that attempts to write data in a suspicious way."),
        // S3 Protection: bucket-policy changes (CloudTrail management events, always analysed) …
        info(.policyS3BucketBlockPublicAccessDisabled, 2, "AccessKey", "CloudTrail", "Amazon S3 Block Public Access was disabled for an S3 bucket."),
        info(.policyS3AccountBlockPublicAccessDisabled, 2, "AccessKey", "CloudTrail", "Amazon S3 Block Public Access was disabled for the account."),
        info(.policyS3BucketAnonymousAccessGranted, 8, "AccessKey", "CloudTrail", "An S3 bucket has been granted access to anonymous users."),
        info(.policyS3BucketPublicAccessGranted, 8, "AccessKey", "CloudTrail", "An S3 bucket has been granted public access to all AWS users."),
        info(.stealthS3ServerAccessLoggingDisabled, 2, "AccessKey", "CloudTrail", "S3 server access logging was disabled for a bucket."),
        // … and object-level activity (CloudTrail S3 data events, only while the S3_DATA_EVENTS feature is on).
        info(.penTestS3KaliLinux, 5, "S3Bucket", "S3DataEvents", "An S3 API was invoked from a Kali Linux computer."),
        info(.penTestS3ParrotLinux, 5, "S3Bucket", "S3DataEvents", "An S3 API was invoked from a Parrot Security Linux computer."),
        info(.penTestS3PentooLinux, 5, "S3Bucket", "S3DataEvents", "An S3 API was invoked from a Pentoo Linux computer."),
        info(
            .unauthorizedAccessS3MaliciousIPCallerCustom, 8, "S3Bucket", "S3DataEvents",
            "An S3 API was invoked from an IP address on a custom threat list."),
        info(
            .discoveryS3MaliciousIPCallerCustom, 8, "S3Bucket", "S3DataEvents",
            "An S3 API commonly used to discover resources was invoked from an IP address on a custom threat list."),
        info(.unauthorizedAccessS3TorIPCaller, 8, "S3Bucket", "S3DataEvents", "An S3 API was invoked from a Tor exit node IP address."),
        info(
            .discoveryS3TorIPCaller, 5, "S3Bucket", "S3DataEvents",
            "An S3 API commonly used to discover resources was invoked from a Tor exit node IP address."),
        info(
            .discoveryS3MaliciousIPCaller, 8, "S3Bucket", "S3DataEvents",
            "An S3 API commonly used to discover resources was invoked from a known malicious IP address."),
        info(
            .exfiltrationS3MaliciousIPCaller, 8, "S3Bucket", "S3DataEvents",
            "An S3 API commonly used to collect data was invoked from a known malicious IP address."),
        info(
            .impactS3MaliciousIPCaller, 8, "S3Bucket", "S3DataEvents",
            "An S3 API commonly used to tamper with data or processes was invoked from a known malicious IP address."),
        // EKS Audit Log Monitoring: Kubernetes audit logs of any cluster, only while the EKS_AUDIT_LOGS feature is on.
        info(
            .policyKubernetesAnonymousAccessGranted, 8, "EKSCluster", "EksAuditLogs",
            "The system:anonymous user was granted API permission on a Kubernetes cluster."),
        info(
            .policyKubernetesAdminAccessToDefaultServiceAccount, 8, "EKSCluster", "EksAuditLogs",
            "The default service account was granted admin privileges on a Kubernetes cluster."),
        info(
            .policyKubernetesExposedDashboard, 5, "EKSCluster", "EksAuditLogs", "The dashboard for a Kubernetes cluster was exposed to the internet."),
        info(
            .policyKubernetesKubeflowDashboardExposed, 5, "EKSCluster", "EksAuditLogs",
            "The dashboard for a Kubernetes cluster managed by Kubeflow was exposed to the internet."),
        info(
            .privilegeEscalationKubernetesPrivilegedContainer, 5, "EKSCluster", "EksAuditLogs",
            "A privileged container with root level access was launched on your Kubernetes cluster."),
        info(
            .persistenceKubernetesContainerWithSensitiveMount, 5, "EKSCluster", "EksAuditLogs",
            "A container was launched with a sensitive external host path mounted inside."),
        info(
            .executionKubernetesExecInKubeSystemPod, 5, "EKSCluster", "EksAuditLogs",
            "A command was executed inside a pod within the kube-system namespace."),
        info(
            .credentialAccessKubernetesSuccessfulAnonymousAccess, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to access credentials or secrets in a Kubernetes cluster was invoked by an unauthenticated user."),
        info(
            .defenseEvasionKubernetesSuccessfulAnonymousAccess, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to evade defensive measures in a Kubernetes cluster was invoked by an unauthenticated user."),
        info(
            .discoveryKubernetesSuccessfulAnonymousAccess, 5, "EKSCluster", "EksAuditLogs",
            "An API commonly used to discover resources in a Kubernetes cluster was invoked by an unauthenticated user."),
        info(
            .impactKubernetesSuccessfulAnonymousAccess, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to tamper with resources in a Kubernetes cluster was invoked by an unauthenticated user."),
        info(
            .persistenceKubernetesSuccessfulAnonymousAccess, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to gain or maintain persistent access to a Kubernetes cluster was invoked by an unauthenticated user."),
        info(
            .credentialAccessKubernetesTorIPCaller, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to access credentials or secrets in a Kubernetes cluster was invoked from a Tor exit node IP address."),
        info(
            .defenseEvasionKubernetesTorIPCaller, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to evade defensive measures in a Kubernetes cluster was invoked from a Tor exit node IP address."),
        info(
            .discoveryKubernetesTorIPCaller, 5, "EKSCluster", "EksAuditLogs",
            "An API commonly used to discover resources in a Kubernetes cluster was invoked from a Tor exit node IP address."),
        info(
            .impactKubernetesTorIPCaller, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to tamper with resources in a Kubernetes cluster was invoked from a Tor exit node IP address."),
        info(
            .persistenceKubernetesTorIPCaller, 5, "EKSCluster", "EksAuditLogs",
            "An API commonly used to gain or maintain persistent access to a Kubernetes cluster was invoked from a Tor exit node IP address."),
        info(
            .credentialAccessKubernetesMaliciousIPCaller, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to access credentials or secrets in a Kubernetes cluster was invoked from a known malicious IP address."),
        info(
            .defenseEvasionKubernetesMaliciousIPCaller, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to evade defensive measures in a Kubernetes cluster was invoked from a known malicious IP address."),
        info(
            .discoveryKubernetesMaliciousIPCaller, 5, "EKSCluster", "EksAuditLogs",
            "An API commonly used to discover resources in a Kubernetes cluster was invoked from a known malicious IP address."),
        info(
            .impactKubernetesMaliciousIPCaller, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to tamper with resources in a Kubernetes cluster was invoked from a known malicious IP address."),
        info(
            .persistenceKubernetesMaliciousIPCaller, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to gain or maintain persistent access to a Kubernetes cluster was invoked from a known malicious IP address."),
        info(
            .credentialAccessKubernetesMaliciousIPCallerCustom, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to access credentials or secrets in a Kubernetes cluster was invoked from an IP address on a custom threat list."),
        info(
            .defenseEvasionKubernetesMaliciousIPCallerCustom, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to evade defensive measures in a Kubernetes cluster was invoked from an IP address on a custom threat list."),
        info(
            .discoveryKubernetesMaliciousIPCallerCustom, 5, "EKSCluster", "EksAuditLogs",
            "An API commonly used to discover resources in a Kubernetes cluster was invoked from an IP address on a custom threat list."),
        info(
            .impactKubernetesMaliciousIPCallerCustom, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to tamper with resources in a Kubernetes cluster was invoked from an IP address on a custom threat list."),
        info(
            .persistenceKubernetesMaliciousIPCallerCustom, 8, "EKSCluster", "EksAuditLogs",
            "An API commonly used to gain or maintain persistent access to a Kubernetes cluster was invoked from an IP address on a custom threat list."
        ),
        info(
            .executionKubernetesAnomalousBehaviorExecInPod, 5, "EKSCluster", "EksAuditLogs",
            "A command was executed inside a pod in an anomalous way."),
        info(
            .privilegeEscalationKubernetesAnomalousBehaviorRoleBindingCreated, 5, "EKSCluster", "EksAuditLogs",
            "A RoleBinding or ClusterRoleBinding was created or modified in an anomalous way."),
        info(
            .privilegeEscalationKubernetesAnomalousBehaviorRoleCreated, 2, "EKSCluster", "EksAuditLogs",
            "A Role or ClusterRole was created or modified in an anomalous way."),
        info(
            .discoveryKubernetesAnomalousBehaviorPermissionChecked, 2, "EKSCluster", "EksAuditLogs",
            "A user checked their access permission in an anomalous way."),
        info(
            .credentialAccessKubernetesAnomalousBehaviorSecretsAccessed, 5, "EKSCluster", "EksAuditLogs",
            "A Kubernetes API commonly used to access secrets was invoked in an anomalous way."),
        info(.executionKubernetesAnomalousBehaviorWorkloadDeployed, 5, "EKSCluster", "EksAuditLogs", "A workload was launched in an anomalous way."),
    ]

    /// The catalogue by type name (what a stored or imported finding carries). A duplicated entry keeps its first
    /// occurrence rather than trapping at start-up; `RuleListTests` fails on it.
    public static let all: [String: FindingTypeInfo] = Dictionary(entries.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })

    /// The catalogue entry of a typed finding type (nil: not one Guardpost knows).
    public static func info(_ type: FindingType) -> FindingTypeInfo? { self.all[type.rawValue] }
}
