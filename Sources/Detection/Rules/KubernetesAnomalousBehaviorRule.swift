import GuardDutyModel

/// The Kubernetes AnomalousBehavior family, learned per cluster and user (record time) as the IAM family is per
/// principal: during the first `baselineLearningSeconds` after a user is first seen, the kinds of request it makes are
/// learned; afterwards a successful request of a kind it never made is reported —
/// Execution:Kubernetes/AnomalousBehavior.ExecInPod (exec, by a user who never exec'd),
/// PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleBindingCreated / .RoleCreated (creating or changing
/// (cluster) role bindings / roles), Discovery:Kubernetes/AnomalousBehavior.PermissionChecked (access and rules
/// reviews), CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed (reading secrets) and
/// Execution:Kubernetes/AnomalousBehavior.WorkloadDeployed (creating a workload). Requests in the cluster's own namespaces (kube-system, kube-public,
/// kube-node-lease) are a kind apart from the same requests anywhere else; other namespaces are one kind, since CI,
/// GitOps and Helm create new ones all the time. Cluster
/// components (nodes, the control plane, kube-system's controllers) are not learned: their requests are the cluster's.
final class KubernetesAnomalousBehaviorRule: KubernetesRule, BaselineRule {
    let findingTypes: [FindingType] = [
        .executionKubernetesAnomalousBehaviorExecInPod, .privilegeEscalationKubernetesAnomalousBehaviorRoleBindingCreated,
        .privilegeEscalationKubernetesAnomalousBehaviorRoleCreated, .discoveryKubernetesAnomalousBehaviorPermissionChecked,
        .credentialAccessKubernetesAnomalousBehaviorSecretsAccessed, .executionKubernetesAnomalousBehaviorWorkloadDeployed,
    ]

    /// A user's learning: when it was first seen and the kinds of request it made while learning.
    struct User {
        var firstSeen: Int64
        var actions: Set<String>
    }
    /// Keyed `CLUSTER|USERNAME`.
    var users: [String: User] = [:]
    /// Users learned at most (across clusters), so that a log of endless usernames cannot grow the baselines and the
    /// checkpoint without bound.
    static let maxUsers = 50_000

    /// The kind of request (`exec`, `rolebinding`, `role`, `permission`, `secrets`, `workload`; `…:system` in the
    /// cluster's own namespaces) and the type it raises when anomalous; nil for requests the family does not judge.
    static func action(_ event: KubernetesAuditEvent) -> (action: String, type: FindingType)? {
        let resource = event.resource ?? ""
        // New namespaces are ordinary (CI, GitOps and Helm create them all the time); the cluster's own are not.
        let place = ["kube-system", "kube-public", "kube-node-lease"].contains(event.namespace ?? "") ? ":system" : ""
        let reads = event.verb == "get" || event.verb == "list" || event.verb == "watch"
        let writes = event.verb == "create" || event.verb == "update" || event.verb == "patch"
        // `create` over SPDY, `get` over WebSocket (kubectl ≥ 1.30).
        if event.verb == "create" || event.verb == "get", resource == "pods", event.subresource == "exec" || event.subresource == "attach" {
            return ("exec" + place, .executionKubernetesAnomalousBehaviorExecInPod)
        }
        if event.verb == "create" && (resource.hasSuffix("accessreviews") || resource.hasSuffix("rulesreviews")) {
            return ("permission", .discoveryKubernetesAnomalousBehaviorPermissionChecked)
        }
        if reads && resource == "secrets" { return ("secrets" + place, .credentialAccessKubernetesAnomalousBehaviorSecretsAccessed) }
        guard writes, event.subresource == nil else { return nil }
        if resource == "rolebindings" || resource == "clusterrolebindings" {
            return ("rolebinding", .privilegeEscalationKubernetesAnomalousBehaviorRoleBindingCreated)
        }
        if resource == "roles" || resource == "clusterroles" { return ("role", .privilegeEscalationKubernetesAnomalousBehaviorRoleCreated) }
        // Learned from any write of a workload (a pipeline that rolls deployments out may create one), judged on creates.
        if KubernetesWorkload.workloadResources.contains(resource) {
            return ("workload" + place, .executionKubernetesAnomalousBehaviorWorkloadDeployed)
        }
        return nil
    }

    func process(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, in context: RuleContext) {
        guard audit.succeeded, let username = event.username, !event.isClusterComponent, !event.isAnonymous else { return }
        let key = "\(audit.cluster)|\(username)"
        let learning = context.thresholds.baselineLearningSeconds
        guard let index = self.users.index(forKey: key) else {
            // Bounded: usernames are the log's; past the cap a new user is neither learned nor judged.
            guard self.users.count < Self.maxUsers else { return }
            self.users[key] = User(firstSeen: event.time, actions: Set(Self.action(event).map { [$0.action] } ?? []))
            return
        }
        guard let (action, type) = Self.action(event) else { return }
        if event.time < self.users.values[index].firstSeen { self.users.values[index].firstSeen = event.time }
        if event.time < self.users.values[index].firstSeen + learning {
            self.users.values[index].actions.insert(action)
            return
        }
        guard !self.users.values[index].actions.contains(action) else { return }
        if type == .executionKubernetesAnomalousBehaviorWorkloadDeployed && event.verb != "create" { return }
        let workload = type == .executionKubernetesAnomalousBehaviorWorkloadDeployed ? KubernetesWorkload(event) : nil
        context.report(
            RuleHit(
                type: type,
                description: "\(event.who) made a request of a kind it had not made in its first \(learning / 3600) hours on the cluster "
                    + "\(audit.cluster): \(event.request)."),
            on: event, audit, subject: action, workload: workload,
            configure: { action in
                guard type == .discoveryKubernetesAnomalousBehaviorPermissionChecked,
                    let spec = event.requestObject.flatMap(JSONValue.parse)?["spec"]?["resourceAttributes"]
                else { return }
                let allowed = event.responseObject.flatMap(JSONValue.parse)?["status"]?["allowed"]?.bool
                action.kubernetesPermissionCheckedDetails = Finding.KubernetesPermissionCheckedDetails(
                    verb: spec["verb"]?.string, resource: spec["resource"]?.string, namespace: spec["namespace"]?.string, allowed: allowed)
            })
    }

    func export(into learned: inout LearnedBaselines, names: NameTable) {
        var users = learned.kubernetesUsers ?? [:]
        for (key, user) in self.users { users[key] = LearnedBaselines.Principal(firstSeen: user.firstSeen, apis: user.actions.sorted()) }
        learned.kubernetesUsers = users
    }

    func restore(_ learned: LearnedBaselines, names: NameTable) {
        for (key, user) in learned.kubernetesUsers ?? [:] { self.users[key] = User(firstSeen: user.firstSeen, actions: Set(user.apis)) }
    }
}
