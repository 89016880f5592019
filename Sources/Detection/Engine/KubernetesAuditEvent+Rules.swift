/// What the Kubernetes rules ask of an audit event.
extension KubernetesAuditEvent {
    /// The unauthenticated user (`system:anonymous`, or any user in `system:unauthenticated`).
    var isAnonymous: Bool { self.username == "system:anonymous" || self.groups.contains("system:unauthenticated") }

    /// A cluster component rather than a person or an application: nodes (`system:node:*`), the control plane
    /// (`system:kube-*`, `system:apiserver`), the controllers of kube-controller-manager (its service accounts in
    /// kube-system: `*-controller` and the few named otherwise) and EKS's own identities (`eks:*`). Add-ons running in
    /// kube-system (metrics-server, CoreDNS, CNI and CSI drivers) are not: their tokens are what an attacker steals,
    /// so their requests are learned and judged like any application's.
    var isClusterComponent: Bool {
        guard let user = self.username else { return false }
        if user.hasPrefix("system:serviceaccount:kube-system:") {
            let account = user.dropFirst("system:serviceaccount:kube-system:".count)
            return account.hasSuffix("-controller") || Self.controllerAccounts.contains(String(account))
        }
        return user.hasPrefix("system:node:") || user.hasPrefix("system:kube-") || user == "system:apiserver" || user.hasPrefix("eks:")
            || user == "system:volume-scheduler"
    }

    /// kube-controller-manager's service accounts whose names do not end in `-controller`.
    static let controllerAccounts: Set<String> = [
        "generic-garbage-collector", "horizontal-pod-autoscaler", "persistent-volume-binder", "pod-garbage-collector", "root-ca-cert-publisher",
        "bootstrap-signer", "token-cleaner", "legacy-service-account-token-cleaner", "cloud-provider",
    ]

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
