/// What the engine has learned (flow, API and Kubernetes baselines), in a form that outlives the process: flow baselines are
/// keyed by instance (or interface, prefixed `eni:`) name rather than by this process's interned ids.
public struct LearnedBaselines: Codable, Sendable, Equatable {
    public struct Instance: Codable, Sendable, Equatable {
        public var firstSeen: Int64
        public var ports: [Int]
        /// The most bytes sent to each peer network in one window (`Peer.description`), learned and kept up to date.
        public var peers: [String: Int]?
    }
    public struct Principal: Codable, Sendable, Equatable {
        public var firstSeen: Int64
        public var apis: [String]
    }
    public var instances: [String: Instance]
    public var principals: [String: Principal]
    /// Kubernetes users' learned requests, keyed `CLUSTER|USERNAME` (absent in checkpoints written before EKS audit logs).
    public var kubernetesUsers: [String: Principal]? = nil
    /// What each Kubernetes cluster has launched privileged, in the node's namespaces or with a sensitive mount
    /// (`privileged|IMAGE`, `hostNetwork|IMAGE`, `mount|IMAGE|PATH`), keyed by cluster name.
    public var kubernetesLaunches: [String: [String]]? = nil
}
