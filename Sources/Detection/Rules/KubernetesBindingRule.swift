import GuardDutyModel

/// Policy:Kubernetes/AnonymousAccessGranted and Policy:Kubernetes/AdminAccessToDefaultServiceAccount: a RoleBinding
/// or ClusterRoleBinding created or changed (successfully) that binds a role to `system:anonymous` or the
/// `system:unauthenticated` group, or that binds `cluster-admin` to a namespace's `default` service account (or to
/// every service account). The public-information bindings Kubernetes makes itself (`system:public-info-viewer`,
/// `system:discovery`, made by the API server at start) are the cluster's own and are not reported.
final class KubernetesBindingRule: KubernetesRule {
    let findingTypes: [FindingType] = [.policyKubernetesAnonymousAccessGranted, .policyKubernetesAdminAccessToDefaultServiceAccount]

    /// The roles the API server binds to unauthenticated users itself.
    static let builtInPublicRoles: Set<String> = ["system:public-info-viewer", "system:discovery", "system:basic-user"]

    func process(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, in context: RuleContext) {
        guard audit.succeeded, event.resource == "rolebindings" || event.resource == "clusterrolebindings", event.subresource == nil,
            ["create", "update", "patch"].contains(event.verb),
            let object = (event.verb == "patch" ? event.responseObject ?? event.requestObject : event.requestObject ?? event.responseObject)
                .flatMap(JSONValue.parse)
        else { return }
        let kind = event.resource == "clusterrolebindings" ? "ClusterRoleBinding" : "RoleBinding"
        let name = object["metadata"]?["name"]?.string ?? event.name ?? "-"
        let roleKind = object["roleRef"]?["kind"]?.string
        let role = object["roleRef"]?["name"]?.string ?? "-"
        let namespace = object["metadata"]?["namespace"]?.string ?? event.namespace
        let subjects = object["subjects"]?.array ?? []
        let binding = Finding.KubernetesRoleBindingDetails(
            kind: kind, name: name, uid: object["metadata"]?["uid"]?.string, roleRefName: role, roleRefKind: roleKind)
        let place = namespace.map { " in the namespace \($0)" } ?? ""
        let anonymous = subjects.contains { subject in
            let subjectName = subject["name"]?.string
            return subject["kind"]?.string == "User" && subjectName == "system:anonymous"
                || subject["kind"]?.string == "Group" && subjectName == "system:unauthenticated"
        }
        if anonymous, !Self.builtInPublicRoles.contains(role) {
            context.report(
                RuleHit(
                    type: .policyKubernetesAnonymousAccessGranted,
                    description: "\(event.who) bound the role \(role) to the anonymous user with the \(kind) \(name)\(place) "
                        + "on the cluster \(audit.cluster): unauthenticated requests may now do what the role allows."),
                on: event, audit, subject: "\(kind)/\(namespace ?? "-")/\(name)", configure: { $0.kubernetesRoleBindingDetails = binding })
        }
        // `cluster-admin`, or the built-in `admin` role (all of a namespace, bound by a RoleBinding).
        guard role == "cluster-admin" || role == "admin", roleKind == nil || roleKind == "ClusterRole" else { return }
        let defaultAccount = subjects.contains { subject in
            let subjectName = subject["name"]?.string
            switch subject["kind"]?.string {
            case "ServiceAccount": return subjectName == "default"
            case "User": return subjectName?.hasPrefix("system:serviceaccount:") == true && subjectName?.hasSuffix(":default") == true
            case "Group": return subjectName == "system:serviceaccounts" || subjectName?.hasPrefix("system:serviceaccounts:") == true
            default: return false
            }
        }
        if defaultAccount {
            context.report(
                RuleHit(
                    type: .policyKubernetesAdminAccessToDefaultServiceAccount,
                    description: "\(event.who) bound \(role) to a default service account with the \(kind) \(name)\(place) "
                        + "on the cluster \(audit.cluster): every pod that names no service account now runs as an administrator."),
                on: event, audit, subject: "\(kind)/\(namespace ?? "-")/\(name)", configure: { $0.kubernetesRoleBindingDetails = binding })
        }
    }
}
