import ThreatLists

/// What the engine works out once per Kubernetes audit event for every Kubernetes rule: the cluster, account and
/// region it belongs to, and the caller's first source address with its intelligence verdict.
struct KubernetesContext {
    var cluster: String
    var account: String
    var region: String
    var remote: IPAddress?
    var verdict: Intelligence.AddressVerdict?
    /// The API server answered with success (2xx; 101 for an upgraded exec/attach stream).
    var succeeded: Bool
}
