import GuardDutyModel

/// Policy:Kubernetes/ExposedDashboard and Policy:Kubernetes/KubeflowDashboardExposed: a Service of type
/// LoadBalancer created or changed in front of the Kubernetes dashboard (`kubernetes-dashboard`) or Kubeflow's
/// central dashboard (`centraldashboard`, namespace `kubeflow`). A load balancer marked internal (the AWS, Azure
/// and GCP annotations) is not on the internet and is not reported; nor are ClusterIP and NodePort services.
final class KubernetesServiceRule: KubernetesRule {
    let findingTypes: [FindingType] = [.policyKubernetesExposedDashboard, .policyKubernetesKubeflowDashboardExposed]

    /// Annotations that keep a LoadBalancer service off the internet, with the value that does.
    static let internalAnnotations: [(String, String)] = [
        ("service.beta.kubernetes.io/aws-load-balancer-internal", "true"), ("service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"),
        ("service.beta.kubernetes.io/azure-load-balancer-internal", "true"), ("networking.gke.io/load-balancer-type", "Internal"),
        ("cloud.google.com/load-balancer-type", "Internal"),
    ]

    func process(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, in context: RuleContext) {
        guard audit.succeeded, event.resource == "services", event.subresource == nil, ["create", "update", "patch"].contains(event.verb),
            let object = (event.verb == "patch" ? event.responseObject ?? event.requestObject : event.requestObject ?? event.responseObject)
                .flatMap(JSONValue.parse),
            object["spec"]?["type"]?.string == "LoadBalancer"
        else { return }
        let annotations = object["metadata"]?["annotations"]
        for (key, value) in Self.internalAnnotations where annotations?[key]?.string?.lowercased() == value.lowercased() { return }
        let name = object["metadata"]?["name"]?.string ?? event.name ?? "-"
        let namespace = object["metadata"]?["namespace"]?.string ?? event.namespace ?? "default"
        let selector = (object["spec"]?["selector"]?.members ?? []).compactMap { $0.1.string }
        let type: FindingType
        let what: String
        if name.contains("kubernetes-dashboard") || selector.contains("kubernetes-dashboard") || namespace == "kubernetes-dashboard" {
            type = .policyKubernetesExposedDashboard
            what = "the Kubernetes dashboard"
        } else if namespace == "kubeflow" && (name == "centraldashboard" || selector.contains("centraldashboard")) {
            type = .policyKubernetesKubeflowDashboardExposed
            what = "Kubeflow's central dashboard"
        } else {
            return
        }
        context.report(
            RuleHit(
                type: type,
                description: "\(event.who) exposed \(what) to the internet with the LoadBalancer service \(namespace)/\(name) "
                    + "on the cluster \(audit.cluster)."),
            on: event, audit, subject: "\(namespace)/\(name)")
    }
}
