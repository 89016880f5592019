import GuardDutyModel

/// EKS Audit Log Monitoring: Kubernetes audit events, analysed only while the EKS_AUDIT_LOGS feature is in force
/// (`kubernetesAuditLogs`). The cluster a finding names is the agent's `--k8s-cluster-name` (`clusterName`).
extension DetectionEngine {
    /// Takes one Kubernetes audit event of the cluster `clusterName`. A request is judged once: its
    /// `RequestReceived` stage is skipped (the outcome is not known yet), a long-running request (exec, attach,
    /// watch) seen at `ResponseStarted` is not judged again at `ResponseComplete`, and an audit ID judged lately is
    /// not judged again when its line is read a second time (a rotated log compressed, copytruncate).
    public func process(_ event: KubernetesAuditEvent) {
        guard self.kubernetesAuditLogs else {
            self.kubernetesAuditEventsIgnored += 1
            return
        }
        if event.stage == "RequestReceived" { return }
        if let id = event.auditID, !self.kubernetesJudged.insert(id) { return }
        let remote = Self.caller(event.sourceIPs)
        if let remote, self.intelligence.isTrusted(remote) { return }
        let audit = KubernetesContext(
            cluster: self.clusterName, account: self.context.defaultAccount, region: self.context.defaultRegion, remote: remote,
            verdict: remote.map { self.intelligence.verdict($0) },
            succeeded: (200..<300).contains(event.statusCode) || event.statusCode == 101
        )
        let context = self.context
        for rule in self.rules.kubernetes { rule.process(event, audit, in: context) }
    }

    /// The caller's address among `sourceIPs`. kube-apiserver lists the `X-Forwarded-For` addresses first and the
    /// connection's peer last, and every entry but the last can be set by the client: the last public address is
    /// the one a client cannot forge (its own, or the one a load balancer in front appended), else the last address.
    static func caller(_ sourceIPs: [String]) -> IPAddress? {
        var last: IPAddress?
        for text in sourceIPs.reversed() {
            guard let address = IPAddress.parse(text.utf8) else { continue }
            if !address.isPrivateOrBogon { return address }
            if last == nil { last = address }
        }
        return last
    }
}
