import GuardDutyModel

/// `<Tactic>:Kubernetes/SuccessfulAnonymousAccess`: a request by the unauthenticated user that the API server
/// allowed and answered with success, on anything but the paths every cluster serves to everyone
/// (`/healthz`, `/livez`, `/readyz`, `/version`, OIDC discovery: what load-balancer health checks, kube-probe and
/// internet scanners read all day). Denied requests (401, 403) are the cluster working as it should.
final class KubernetesAnonymousRule: KubernetesRule {
    let findingTypes: [FindingType] = KubernetesTactic.allCases.map(\.successfulAnonymousAccess)

    /// Paths the `system:public-info-viewer` role grants to everyone.
    static func isPublicInformation(_ uri: String?) -> Bool {
        guard let uri else { return false }
        var path = Substring(uri)
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        for prefix in ["/healthz", "/livez", "/readyz"] where path == prefix || path.hasPrefix(prefix + "/") { return true }
        return path == "/version" || path == "/version/" || path == "/.well-known/openid-configuration" || path == "/openid/v1/jwks"
    }

    func process(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, in context: RuleContext) {
        guard event.isAnonymous, audit.succeeded, event.authorizationDecision != "forbid", !Self.isPublicInformation(event.requestURI)
        else { return }
        let tactic = KubernetesTactic.of(event)
        context.report(
            RuleHit(
                type: tactic.successfulAnonymousAccess,
                description: "An unauthenticated request (\(event.username ?? "system:anonymous")) succeeded on the cluster \(audit.cluster): "
                    + "\(event.request), \(tactic.purpose)."),
            on: event, audit, subject: "\(audit.remote?.description ?? "-")")
    }
}
