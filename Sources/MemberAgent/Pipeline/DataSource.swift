/// The three foundational data sources, named as the agent channel and GuardDuty's usage statistics name them.
public enum DataSource: String, Codable, Sendable, CaseIterable {
    case flowLogs = "FLOW_LOGS"
    case cloudTrail = "CLOUD_TRAIL"
    case dnsLogs = "DNS_LOGS"
}
