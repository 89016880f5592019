import GuardDutyModel

/// Execution:Kubernetes/ExecInKubeSystemPod: a command executed (`pods/exec`, answered 101 or 2xx) in a pod of
/// `kube-system`, by anyone: system pods are not where people run commands. Exec elsewhere (an administrator
/// debugging an application) is ordinary and left to the ExecInPod baseline.
final class KubernetesExecRule: KubernetesRule {
    let findingTypes: [FindingType] = [.executionKubernetesExecInKubeSystemPod]

    func process(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, in context: RuleContext) {
        guard audit.succeeded, event.resource == "pods", event.subresource == "exec", event.namespace == "kube-system",
            event.verb == "create" || event.verb == "get"
        else { return }
        let pod = event.name ?? "-"
        context.report(
            RuleHit(
                type: .executionKubernetesExecInKubeSystemPod,
                description: "\(event.who) executed a command in the pod kube-system/\(pod) on the cluster \(audit.cluster)."),
            on: event, audit, subject: "kube-system/\(pod)")
    }
}
