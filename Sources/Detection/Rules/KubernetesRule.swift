import GuardDutyModel

/// A rule over Kubernetes audit events (EKS Audit Log Monitoring, while the EKS_AUDIT_LOGS feature is on).
protocol KubernetesRule: DetectionRule {
    func process(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, in context: RuleContext)
}
