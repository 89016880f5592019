import ArgumentParser
import Foundation
import Logging
import MemberAgent
import ServiceLifecycle
import UnixSignals

/// `guardpost-agent run`: the member agent.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the member agent: follow the logs, detect, deliver findings, receive the administrator's settings and lists."
    )

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("state-dir"), help: "Agent id, file offsets, cached lists, the outbox of undelivered findings.") var stateDirectory:
        String
    @Option(name: .customLong("flow-logs"), help: "VPC Flow Logs file or directory (followed as it grows), or s3://BUCKET/PREFIX/.")
    var flowLogs: [String] = []
    @Option(name: .customLong("cloudtrail"), help: "CloudTrail file or directory, or s3://BUCKET/PREFIX/ (the trail's bucket).") var cloudTrail:
        [String] = []
    @Option(name: .customLong("dns-logs"), help: "Route 53 Resolver query log file or directory, or s3://BUCKET/PREFIX/.") var dnsLogs: [String] = []
    @Option(
        name: .customLong("k8s-audit-logs"),
        help: "Kubernetes audit log file or directory (kube-apiserver --audit-log-path; JSON lines, .gz), analysed while EKS_AUDIT_LOGS is on.")
    var kubernetesAuditLogs: [String] = []
    @Option(
        name: .customLong("k8s-cluster-name"), help: "The cluster those audit logs are of, named in findings (default: this host's name).")
    var clusterName: String?
    @Flag(name: .customLong("all-accounts"), help: "Refused by run: the agent channel takes only the signing account's findings (use scan).")
    var allAccounts = false
    @Option(name: .customLong("intel-dir"), help: "Built-in intelligence directory (defaults to the one shipped with Guardpost).") var intelDir:
        String?
    @Option(name: .customLong("heartbeat-seconds"), help: "Seconds between heartbeats (an agent silent for 60 s is unhealthy).") var heartbeatSeconds:
        Double = 15
    @Option(
        name: .customLong("idle-flush-seconds"),
        help:
            "Judge open detection windows after this long without new records (default 30; 900 when a source is in S3, which delivers every 5 to 10 minutes)."
    )
    var idleFlushSeconds: Double?
    @Option(
        name: .customLong("updates-every-seconds"),
        help: "Publish updates of existing findings this often instead of at the finding publishing frequency (testing).")
    var updatesEverySeconds: Double?

    @OptionGroup var geo: GeoOptions
    @OptionGroup var s3: S3Options
    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        guard !(self.flowLogs.isEmpty && self.cloudTrail.isEmpty && self.dnsLogs.isEmpty && self.kubernetesAuditLogs.isEmpty) else {
            throw ValidationError("give at least one of --flow-logs, --cloudtrail, --dns-logs, --k8s-audit-logs")
        }
        try Scan.validateKubernetes(self.kubernetesAuditLogs, clusterName: self.clusterName)
        guard !self.allAccounts else {
            throw ValidationError(
                "run reads only its own account's logs: a member's keys speak only for the member, so the administrator refuses findings of other accounts. Run one agent per account (each with its keys and the same s3:// prefix), or use scan --all-accounts offline"
            )
        }
        guard self.heartbeatSeconds >= 1, self.heartbeatSeconds <= 55 else { throw ValidationError("--heartbeat-seconds must be from 1 to 55") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let client = try self.connection.client()
        var options = AgentOptions(
            endpointURL: self.connection.endpointURL ?? ProcessInfo.processInfo.environment["GUARDPOST_ENDPOINT_URL"]!,
            aws: client.configurationForAgent, stateDirectory: self.stateDirectory,
            flowLogs: self.flowLogs, cloudTrail: self.cloudTrail, dnsLogs: self.dnsLogs
        )
        options.kubernetesAuditLogs = self.kubernetesAuditLogs
        options.clusterName = self.clusterName ?? AgentOptions.defaultClusterName
        options.caBundle = self.connection.caBundle
        options.s3 = try self.s3.reading(
            region: client.configurationForAgent.region, sources: self.flowLogs + self.cloudTrail + self.dnsLogs)
        options.s3?.region = client.configurationForAgent.region
        options.intelDirectory = Scan.intelDirectory(self.intelDir)
        options.geo = try self.geo.databases()
        options.heartbeatInterval = .milliseconds(Int(self.heartbeatSeconds * 1000))
        // S3 delivers objects every 5 to 10 minutes: a shorter quiet spell is not the end of a window's records.
        options.idleFlushSeconds = self.idleFlushSeconds ?? (S3Options.anyS3(self.flowLogs, self.cloudTrail, self.dnsLogs) ? 900 : 30)
        options.updateIntervalOverride = self.updatesEverySeconds
        options.memoryLimit = self.memory.limit
        let logger = Logger(label: "guardpost-agent")
        let runtime = try AgentRuntime(options: options, logger: logger, channel: client)
        // SIGTERM/SIGINT shut the agent down gracefully: detection checkpoints, undelivered findings stay in the outbox.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [runtime], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}
