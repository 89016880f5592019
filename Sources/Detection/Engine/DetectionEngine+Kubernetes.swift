import GuardDutyModel

/// EKS Audit Log Monitoring: Kubernetes audit events, analysed only while the EKS_AUDIT_LOGS feature is in force
/// (`kubernetesAuditLogs`). The cluster a finding names is the agent's `--k8s-cluster-name` (`clusterName`).
extension DetectionEngine {
    /// Takes one Kubernetes audit event of the cluster `clusterName`. A request is judged once: its
    /// `RequestReceived` stage is skipped (the outcome is not known yet), and a long-running request (exec,
    /// attach, watch) seen at `ResponseStarted` is not judged again at `ResponseComplete`.
    public func process(_ event: KubernetesAuditEvent) {
        guard self.kubernetesAuditLogs else {
            self.kubernetesAuditEventsIgnored += 1
            return
        }
        switch event.stage {
        case "RequestReceived":
            return
        case "ResponseStarted":
            if let id = event.auditID {
                if self.kubernetesStarted.count >= 16_384 { self.kubernetesStarted.removeAll(keepingCapacity: true) }
                self.kubernetesStarted.insert(id)
            }
        case "ResponseComplete":
            if let id = event.auditID, !self.kubernetesStarted.isEmpty, self.kubernetesStarted.remove(id) != nil { return }
        default:
            break
        }
        let remote = event.sourceIPs.first.flatMap { IPAddress.parse($0.utf8) }
        if let remote, self.intelligence.isTrusted(remote) { return }
        let audit = KubernetesContext(
            cluster: self.clusterName, account: self.context.defaultAccount, region: self.context.defaultRegion, remote: remote,
            verdict: remote.map { self.intelligence.verdict($0) },
            succeeded: (200..<300).contains(event.statusCode) || event.statusCode == 101
        )
        let context = self.context
        for rule in self.rules.kubernetes { rule.process(event, audit, in: context) }
    }
}
