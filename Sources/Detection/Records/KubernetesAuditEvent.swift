/// One Kubernetes audit event (`audit.k8s.io/v1` or `v1beta1` `Event`, one JSON object per line of
/// `kube-apiserver --audit-log-path`), with the fields the Kubernetes rules read. The request and response objects
/// are kept as their raw JSON bytes: only the rules about workloads, roles and bindings read into them.
public struct KubernetesAuditEvent: Sendable {
    /// `stageTimestamp`, else `requestReceivedTimestamp`, else `timestamp` (v1beta1), in epoch seconds.
    public var time: Int64
    public var auditID: String?
    /// `RequestReceived`, `ResponseStarted`, `ResponseComplete` or `Panic`.
    public var stage: String?
    public var verb: String
    public var requestURI: String?
    public var username: String?
    public var uid: String?
    public var groups: [String] = []
    /// `impersonatedUser.username` / `.groups`, when the request acted as another user.
    public var impersonatedUsername: String? = nil
    public var impersonatedGroups: [String] = []
    public var sourceIPs: [String] = []
    public var userAgent: String?
    /// `objectRef`: what the request was about.
    public var resource: String?
    public var subresource: String?
    public var namespace: String?
    public var name: String?
    public var apiGroup: String?
    /// `responseStatus.code` (0 when absent).
    public var statusCode: Int = 0
    /// `annotations["authorization.k8s.io/decision"]` (`allow` / `forbid`) and `…/reason`.
    public var authorizationDecision: String? = nil
    public var authorizationReason: String? = nil
    /// The raw JSON of `requestObject` and `responseObject`, when the audit level recorded them.
    public var requestObject: [UInt8]? = nil
    public var responseObject: [UInt8]? = nil

    public init(time: Int64, verb: String) {
        self.time = time
        self.verb = verb
    }
}
