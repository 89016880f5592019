import GuardDutyModel
import ThreatLists

/// What the Kubernetes rules share to turn a hit into an observation: an `EKSCluster` resource naming the cluster,
/// the user and (when there is one) the workload, and a `KUBERNETES_API_CALL` action with the request.
extension RuleContext {
    /// The cluster, user and workload of an audit event as a finding's resource.
    static func clusterResource(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, workload: KubernetesWorkload?) -> Finding.Resource {
        var resource = Finding.Resource(resourceType: "EKSCluster")
        resource.eksClusterDetails = Finding.EksClusterDetails(name: audit.cluster)
        var user = Finding.KubernetesUserDetails(username: event.username, uid: event.uid, groups: event.groups.isEmpty ? nil : event.groups)
        if let impersonated = event.impersonatedUsername {
            user.impersonatedUser = Finding.ImpersonatedUser(
                username: impersonated, groups: event.impersonatedGroups.isEmpty ? nil : event.impersonatedGroups)
        }
        var workloadDetails = workload?.details
        if workloadDetails == nil, let resourceName = event.resource, KubernetesWorkload.workloadResources.contains(resourceName) {
            workloadDetails = Finding.KubernetesWorkloadDetails(name: event.name, type: resourceName, namespace: event.namespace)
        }
        resource.kubernetesDetails = Finding.KubernetesDetails(kubernetesUserDetails: user, kubernetesWorkloadDetails: workloadDetails)
        return resource
    }

    /// The request of an audit event as a finding's action.
    static func kubernetesAction(_ event: KubernetesAuditEvent, _ audit: KubernetesContext) -> Finding.Action {
        var call = Finding.KubernetesApiCallAction(
            requestUri: event.requestURI, verb: event.verb, sourceIps: event.sourceIPs.isEmpty ? nil : event.sourceIPs,
            userAgent: event.userAgent, statusCode: event.statusCode == 0 ? nil : event.statusCode)
        call.resource = event.resource
        call.subresource = event.subresource
        call.namespace = event.namespace
        call.resourceName = event.name
        if let remote = audit.remote { call.remoteIpDetails = Finding.RemoteIpDetails(address: remote.description) }
        return .kubernetes(call)
    }

    /// Adds a rule's hit on one audit event: one finding per type, cluster, user and `subject` (the workload, binding
    /// or service it is about; the remote address for the caller types).
    func report(
        _ hit: RuleHit, on event: KubernetesAuditEvent, _ audit: KubernetesContext, subject: String, workload: KubernetesWorkload? = nil,
        configure: (inout Finding.Action) -> Void = { _ in }
    ) {
        var action = Self.kubernetesAction(event, audit)
        configure(&action)
        self.add(
            Observation(
                type: hit.type, key: "\(audit.cluster)|\(event.username ?? "-")|\(subject)", time: event.time, accountId: audit.account,
                region: audit.region, resource: Self.clusterResource(event, audit, workload: workload), resourceRole: "TARGET",
                action: action, evidence: hit.evidence,
                description: hit.description.count > 1_000 ? String(hit.description.prefix(999)) + "…" : hit.description
            ))
    }
}
