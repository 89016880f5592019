/// The data sources an agent reads, named as the agent channel and GuardDuty's usage statistics name them: the three
/// foundational ones and Kubernetes audit logs (EKS Audit Log Monitoring, analysed while EKS_AUDIT_LOGS is on).
public enum DataSource: String, Codable, Sendable, CaseIterable {
    case flowLogs = "FLOW_LOGS"
    case cloudTrail = "CLOUD_TRAIL"
    case dnsLogs = "DNS_LOGS"
    case kubernetesAuditLogs = "KUBERNETES_AUDIT_LOGS"
}
