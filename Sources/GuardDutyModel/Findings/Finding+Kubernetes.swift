/// The members of a Kubernetes finding (EKS Audit Log Monitoring), as botocore's model shapes them: the cluster
/// (`EksClusterDetails`), who and what (`KubernetesDetails`), and the request (`KubernetesApiCallAction` and the
/// permission, role and role-binding details some types carry).
extension Finding {
    /// `EksClusterDetails`: the cluster a Kubernetes finding is about (any cluster an agent reads the audit log of).
    public struct EksClusterDetails: Codable, Sendable, Equatable {
        public var name: String?
        public var arn: String?
        public var vpcId: String?
        public var status: String?
        public var createdAt: Double?
        public init(name: String?, arn: String? = nil, vpcId: String? = nil, status: String? = nil) {
            self.name = name
            self.arn = arn
            self.vpcId = vpcId
            self.status = status
        }
    }

    /// `KubernetesDetails`: the user who made the request and the workload it was about.
    public struct KubernetesDetails: Codable, Sendable, Equatable {
        public var kubernetesUserDetails: KubernetesUserDetails?
        public var kubernetesWorkloadDetails: KubernetesWorkloadDetails?
        public init(kubernetesUserDetails: KubernetesUserDetails?, kubernetesWorkloadDetails: KubernetesWorkloadDetails? = nil) {
            self.kubernetesUserDetails = kubernetesUserDetails
            self.kubernetesWorkloadDetails = kubernetesWorkloadDetails
        }
    }

    /// `KubernetesUserDetails`: the authenticated (or anonymous) user of the request.
    public struct KubernetesUserDetails: Codable, Sendable, Equatable {
        public var username: String?
        public var uid: String?
        public var groups: [String]?
        public var sessionName: [String]?
        public var impersonatedUser: ImpersonatedUser?
        public init(username: String?, uid: String? = nil, groups: [String]? = nil, impersonatedUser: ImpersonatedUser? = nil) {
            self.username = username
            self.uid = uid
            self.groups = groups
            self.impersonatedUser = impersonatedUser
        }
    }

    /// `ImpersonatedUser`: the user a request acted as (`Impersonate-User`).
    public struct ImpersonatedUser: Codable, Sendable, Equatable {
        public var username: String?
        public var groups: [String]?
        public init(username: String?, groups: [String]? = nil) {
            self.username = username
            self.groups = groups
        }
    }

    /// `KubernetesWorkloadDetails`: the pod, deployment or other workload a request created or touched.
    public struct KubernetesWorkloadDetails: Codable, Sendable, Equatable {
        public var name: String?
        public var type: String?
        public var uid: String?
        public var namespace: String?
        public var hostNetwork: Bool?
        public var hostIPC: Bool?
        public var hostPID: Bool?
        public var serviceAccountName: String?
        public var containers: [Container]?
        public var volumes: [Volume]?
        public init(name: String?, type: String?, namespace: String?) {
            self.name = name
            self.type = type
            self.namespace = namespace
        }
    }

    /// `Container`: one container of a workload.
    public struct Container: Codable, Sendable, Equatable {
        public var containerRuntime: String?
        public var id: String?
        public var name: String?
        public var image: String?
        public var imagePrefix: String?
        public var volumeMounts: [VolumeMount]?
        public var securityContext: SecurityContext?
        public init(name: String?, image: String?) {
            self.name = name
            self.image = image
        }
    }

    /// `SecurityContext`: the privileges a container asked for.
    public struct SecurityContext: Codable, Sendable, Equatable {
        public var privileged: Bool?
        public var allowPrivilegeEscalation: Bool?
        public init(privileged: Bool?, allowPrivilegeEscalation: Bool? = nil) {
            self.privileged = privileged
            self.allowPrivilegeEscalation = allowPrivilegeEscalation
        }
    }

    /// `Volume`: a volume of a workload (`hostPath` when it is the node's file system).
    public struct Volume: Codable, Sendable, Equatable {
        public var name: String?
        public var hostPath: HostPath?
        public init(name: String?, hostPath: HostPath?) {
            self.name = name
            self.hostPath = hostPath
        }
    }

    /// `HostPath`: a path of the node's file system.
    public struct HostPath: Codable, Sendable, Equatable {
        public var path: String?
        public init(path: String?) { self.path = path }
    }

    /// `VolumeMount`: where a container mounts a volume.
    public struct VolumeMount: Codable, Sendable, Equatable {
        public var name: String?
        public var mountPath: String?
        public init(name: String?, mountPath: String?) {
            self.name = name
            self.mountPath = mountPath
        }
    }

    /// `KubernetesApiCallAction`: the Kubernetes API request (`sourceIPs` is the model's JSON name).
    public struct KubernetesApiCallAction: Codable, Sendable, Equatable {
        public var requestUri: String?
        public var verb: String?
        public var resource: String?
        public var subresource: String?
        public var namespace: String?
        public var resourceName: String?
        public var sourceIps: [String]?
        public var userAgent: String?
        public var remoteIpDetails: RemoteIpDetails?
        public var statusCode: Int?
        public var parameters: String?

        enum CodingKeys: String, CodingKey {
            case requestUri, verb, resource, subresource, namespace, resourceName
            case sourceIps = "sourceIPs"
            case userAgent, remoteIpDetails, statusCode, parameters
        }

        public init(requestUri: String?, verb: String?, sourceIps: [String]?, userAgent: String?, statusCode: Int?) {
            self.requestUri = requestUri
            self.verb = verb
            self.sourceIps = sourceIps
            self.userAgent = userAgent
            self.statusCode = statusCode
        }
    }

    /// `KubernetesPermissionCheckedDetails`: what a permission check (SelfSubjectAccessReview) asked about.
    public struct KubernetesPermissionCheckedDetails: Codable, Sendable, Equatable {
        public var verb: String?
        public var resource: String?
        public var namespace: String?
        public var allowed: Bool?
        public init(verb: String?, resource: String?, namespace: String?, allowed: Bool?) {
            self.verb = verb
            self.resource = resource
            self.namespace = namespace
            self.allowed = allowed
        }
    }

    /// `KubernetesRoleBindingDetails`: the (cluster) role binding a request created.
    public struct KubernetesRoleBindingDetails: Codable, Sendable, Equatable {
        public var kind: String?
        public var name: String?
        public var uid: String?
        public var roleRefName: String?
        public var roleRefKind: String?
        public init(kind: String?, name: String?, uid: String?, roleRefName: String?, roleRefKind: String?) {
            self.kind = kind
            self.name = name
            self.uid = uid
            self.roleRefName = roleRefName
            self.roleRefKind = roleRefKind
        }
    }

    /// `KubernetesRoleDetails`: the (cluster) role a request created or changed.
    public struct KubernetesRoleDetails: Codable, Sendable, Equatable {
        public var kind: String?
        public var name: String?
        public var uid: String?
        public init(kind: String?, name: String?, uid: String?) {
            self.kind = kind
            self.name = name
            self.uid = uid
        }
    }
}
