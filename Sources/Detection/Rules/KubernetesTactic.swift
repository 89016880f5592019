import GuardDutyModel

/// The tactic a Kubernetes API request serves, as GuardDuty names the tactic variants of its caller types
/// (SuccessfulAnonymousAccess, TorIPCaller, MaliciousIPCaller, MaliciousIPCaller.Custom): reading secrets or minting
/// tokens is credential access, deleting events defense evasion, other reads discovery, creating workloads,
/// bindings, roles, service accounts, webhooks or exec sessions persistence, and other writes and deletes impact.
enum KubernetesTactic: CaseIterable {
    case credentialAccess, defenseEvasion, discovery, impact, persistence

    static let persistent: Set<String> = KubernetesWorkload.workloadResources.union([
        "rolebindings", "clusterrolebindings", "roles", "clusterroles", "serviceaccounts", "mutatingwebhookconfigurations",
        "validatingwebhookconfigurations", "customresourcedefinitions",
    ])

    static func of(_ event: KubernetesAuditEvent) -> KubernetesTactic {
        let resource = event.resource ?? ""
        switch event.verb {
        case "get", "list", "watch":
            // kubectl ≥ 1.30 opens exec and attach over WebSocket: a `get` of the subresource.
            if resource == "pods", event.subresource == "exec" || event.subresource == "attach" { return .persistence }
            return resource == "secrets" ? .credentialAccess : .discovery
        case "delete", "deletecollection":
            return resource == "events" ? .defenseEvasion : .impact
        case "create":
            if resource == "serviceaccounts" && event.subresource == "token" { return .credentialAccess }
            if resource == "certificatesigningrequests" || resource == "tokenreviews" { return .credentialAccess }
            if resource.hasSuffix("accessreviews") || resource.hasSuffix("rulesreviews") { return .discovery }
            if resource == "pods", event.subresource == "exec" || event.subresource == "attach" { return .persistence }
            return Self.persistent.contains(resource) && event.subresource == nil ? .persistence : .impact
        case "update", "patch":
            return Self.persistent.contains(resource) && event.subresource == nil ? .persistence : .impact
        default:
            return .discovery
        }
    }

    var successfulAnonymousAccess: FindingType {
        switch self {
        case .credentialAccess: .credentialAccessKubernetesSuccessfulAnonymousAccess
        case .defenseEvasion: .defenseEvasionKubernetesSuccessfulAnonymousAccess
        case .discovery: .discoveryKubernetesSuccessfulAnonymousAccess
        case .impact: .impactKubernetesSuccessfulAnonymousAccess
        case .persistence: .persistenceKubernetesSuccessfulAnonymousAccess
        }
    }

    var torIPCaller: FindingType {
        switch self {
        case .credentialAccess: .credentialAccessKubernetesTorIPCaller
        case .defenseEvasion: .defenseEvasionKubernetesTorIPCaller
        case .discovery: .discoveryKubernetesTorIPCaller
        case .impact: .impactKubernetesTorIPCaller
        case .persistence: .persistenceKubernetesTorIPCaller
        }
    }

    var maliciousIPCaller: FindingType {
        switch self {
        case .credentialAccess: .credentialAccessKubernetesMaliciousIPCaller
        case .defenseEvasion: .defenseEvasionKubernetesMaliciousIPCaller
        case .discovery: .discoveryKubernetesMaliciousIPCaller
        case .impact: .impactKubernetesMaliciousIPCaller
        case .persistence: .persistenceKubernetesMaliciousIPCaller
        }
    }

    var maliciousIPCallerCustom: FindingType {
        switch self {
        case .credentialAccess: .credentialAccessKubernetesMaliciousIPCallerCustom
        case .defenseEvasion: .defenseEvasionKubernetesMaliciousIPCallerCustom
        case .discovery: .discoveryKubernetesMaliciousIPCallerCustom
        case .impact: .impactKubernetesMaliciousIPCallerCustom
        case .persistence: .persistenceKubernetesMaliciousIPCallerCustom
        }
    }

    /// What the tactic's requests do, for descriptions.
    var purpose: String {
        switch self {
        case .credentialAccess: "commonly used to access credentials"
        case .defenseEvasion: "commonly used to evade defenses"
        case .discovery: "commonly used to discover resources"
        case .impact: "commonly used to tamper with resources"
        case .persistence: "commonly used to gain or keep access"
        }
    }
}
