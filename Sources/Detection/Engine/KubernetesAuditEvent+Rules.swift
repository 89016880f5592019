/// What the Kubernetes rules ask of an audit event.
extension KubernetesAuditEvent {
    /// The unauthenticated user (`system:anonymous`, or any user in `system:unauthenticated`).
    var isAnonymous: Bool { self.username == "system:anonymous" || self.groups.contains("system:unauthenticated") }

    /// A cluster component rather than a person or an application: nodes (`system:node:*`), the control plane
    /// (`system:kube-*`, `system:apiserver`), kube-system's controllers and add-ons (`system:serviceaccount:kube-system:*`)
    /// and EKS's own identities (`eks:*`).
    var isClusterComponent: Bool {
        guard let user = self.username else { return false }
        return user.hasPrefix("system:node:") || user.hasPrefix("system:kube-") || user == "system:apiserver"
            || user.hasPrefix("system:serviceaccount:kube-system:") || user.hasPrefix("eks:") || user == "system:volume-scheduler"
    }

    /// The request in words: `create pods/exec kube-system/coredns-abc`.
    var request: String {
        var text = self.verb
        if let resource = self.resource {
            text += " " + resource + (self.subresource.map { "/" + $0 } ?? "")
            if let name = self.name {
                text += " " + (self.namespace.map { $0 + "/" } ?? "") + name
            } else if let namespace = self.namespace {
                text += " in " + namespace
            }
        } else if let uri = self.requestURI {
            text += " " + uri
        }
        return text
    }

    /// Who made the request, for descriptions.
    var who: String { self.username.map { "The user \($0)" } ?? "An unknown user" }
}
