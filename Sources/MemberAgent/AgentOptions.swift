import Foundation
import ThreatLists

/// How `guardpost-agent run` was asked to run.
public struct AgentOptions: Sendable {
    public var endpointURL: String
    /// PEM certificate authorities to trust for an https endpoint (else AWS_CA_BUNDLE, else the system's).
    public var caBundle: String?
    public var aws: AWSConfiguration
    public var stateDirectory: String
    public var flowLogs: [String]
    public var cloudTrail: [String]
    public var dnsLogs: [String]
    /// Kubernetes audit log files or directories (`--k8s-audit-logs`), analysed while EKS_AUDIT_LOGS is on.
    public var kubernetesAuditLogs: [String] = []
    /// The cluster those audit logs belong to (`--k8s-cluster-name`), named in the findings' `eksClusterDetails`.
    public var clusterName = AgentOptions.defaultClusterName
    /// How `s3://` sources are read (their own credentials, endpoint, queue); nil when every source is a local path.
    public var s3: S3ReadingOptions?
    /// Built-in intelligence (dns-domains.tsv, tor-exit-nodes.txt, mining-pool-ips.txt).
    public var intelDirectory: String?
    /// The operator's geolocation databases (`--geoip-city`, `--geoip-asn`): findings' remote addresses are placed before
    /// they leave the agent, and ConsoleLoginSuccess.B uses their countries.
    public var geo: GeoDatabases?
    /// How often the sources are read and new findings batched (GuardDuty batches new findings; here within a second).
    public var pollInterval: Duration = .seconds(1)
    public var heartbeatInterval: Duration = .seconds(15)
    /// After this long without new records, open windows are judged with what they have.
    public var idleFlushSeconds: Double = 30
    /// `--max-memory-mb`: bounds the findings held (past it, new ones are counted in summaries).
    public var memoryLimit = MemoryLimit.standard
    /// Overrides the publishing frequency for updates of existing findings (tests, demos).
    public var updateIntervalOverride: Double?

    /// The cluster name when none is given: the host's short name (an agent runs on, or beside, the cluster's control
    /// plane, so two clusters' agents name different clusters), "kubernetes" (kubeadm's default) when it has none.
    public static var defaultClusterName: String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        return host.isEmpty || host == "localhost" ? "kubernetes" : host
    }

    public init(
        endpointURL: String, aws: AWSConfiguration, stateDirectory: String, flowLogs: [String] = [], cloudTrail: [String] = [], dnsLogs: [String] = []
    ) {
        self.endpointURL = endpointURL
        self.aws = aws
        self.stateDirectory = stateDirectory
        self.flowLogs = flowLogs
        self.cloudTrail = cloudTrail
        self.dnsLogs = dnsLogs
    }
}
