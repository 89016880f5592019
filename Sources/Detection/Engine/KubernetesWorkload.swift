import GuardDutyModel

/// The workload a Kubernetes request created or changed (a pod, or the pod template of a deployment, daemon set,
/// stateful set, replica set, job or cron job), read from the request's object: what the workload rules judge and
/// what a finding's `kubernetesWorkloadDetails` shows.
struct KubernetesWorkload {
    /// A container with the facts the rules read.
    struct Container {
        var name: String?
        var image: String?
        var privileged: Bool
        var allowPrivilegeEscalation: Bool?
        /// Volume mounts: (volume name, mount path, read-only, the `subPath` of the volume mounted).
        var mounts: [(volume: String, path: String?, readOnly: Bool, subPath: String?)]
    }

    var kind: String
    var name: String?
    var namespace: String?
    var uid: String?
    var hostNetwork = false
    var hostPID = false
    var hostIPC = false
    var serviceAccountName: String?
    var containers: [Container] = []
    /// `hostPath` volumes: volume name → node path.
    var hostPaths: [String: String] = [:]

    /// The resources whose objects carry a pod spec, and where it is.
    static let workloadResources: Set<String> = ["pods", "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs"]

    /// The workload of a create/update/patch of a workload resource, read from its request object (else the
    /// response object, which holds the whole object after a patch). Nil for other requests or unreadable objects.
    init?(_ event: KubernetesAuditEvent) {
        // `pods/ephemeralcontainers`: `kubectl debug` adding a container to a running pod.
        guard let resource = event.resource, Self.workloadResources.contains(resource),
            event.subresource == nil || resource == "pods" && event.subresource == "ephemeralcontainers",
            event.verb == "create" || event.verb == "update" || event.verb == "patch"
        else { return nil }
        let request = event.requestObject.flatMap(JSONValue.parse)
        let response = event.responseObject.flatMap(JSONValue.parse)
        // A patch's request holds only the change (and a debug container's request only the pod's new spec): the
        // response holds the object it made.
        let object = event.verb == "patch" || event.subresource != nil ? (response ?? request) : (request ?? response)
        guard let object, case .object = object else { return nil }
        self.kind = object["kind"]?.string ?? Self.kind(of: resource)
        let metadata = object["metadata"] ?? response?["metadata"]
        self.name = metadata?["name"]?.string ?? response?["metadata"]?["name"]?.string ?? event.name ?? metadata?["generateName"]?.string
        self.namespace = metadata?["namespace"]?.string ?? event.namespace
        self.uid = response?["metadata"]?["uid"]?.string
        let spec: JSONValue?
        switch resource {
        case "pods": spec = object["spec"]
        case "cronjobs": spec = object["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
        default: spec = object["spec"]?["template"]?["spec"]
        }
        guard let spec else { return nil }
        self.hostNetwork = spec["hostNetwork"]?.bool ?? false
        self.hostPID = spec["hostPID"]?.bool ?? false
        self.hostIPC = spec["hostIPC"]?.bool ?? false
        self.serviceAccountName = spec["serviceAccountName"]?.string ?? spec["serviceAccount"]?.string
        for volume in spec["volumes"]?.array ?? [] {
            if let name = volume["name"]?.string, let path = volume["hostPath"]?["path"]?.string { self.hostPaths[name] = path }
        }
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            for container in spec[list]?.array ?? [] {
                let context = container["securityContext"]
                let mounts = (container["volumeMounts"]?.array ?? []).compactMap {
                    mount -> (volume: String, path: String?, readOnly: Bool, subPath: String?)? in
                    guard let volume = mount["name"]?.string else { return nil }
                    return (volume, mount["mountPath"]?.string, mount["readOnly"]?.bool ?? false, mount["subPath"]?.string)
                }
                self.containers.append(
                    Container(
                        name: container["name"]?.string, image: container["image"]?.string, privileged: context?["privileged"]?.bool ?? false,
                        allowPrivilegeEscalation: context?["allowPrivilegeEscalation"]?.bool, mounts: mounts))
            }
        }
    }

    static func kind(of resource: String) -> String {
        switch resource {
        case "pods": "Pod"
        case "deployments": "Deployment"
        case "daemonsets": "DaemonSet"
        case "statefulsets": "StatefulSet"
        case "replicasets": "ReplicaSet"
        case "jobs": "Job"
        case "cronjobs": "CronJob"
        default: resource
        }
    }

    /// Host paths whose write access gives the node away: its configuration and root's and users' homes (SSH keys),
    /// the kernel's interfaces and devices, the kubelet's state and the container runtimes' state and sockets. Log and
    /// data directories (`/var/log`, `/data`, `/run/xtables.lock`) are ordinary.
    static let sensitivePaths = [
        "/etc", "/root", "/home", "/proc", "/sys", "/boot", "/dev", "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd",
        "/var/lib/rancher", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio", "/run/k3s", "/run/docker.sock",
        "/var/run/docker.sock", "/run/docker", "/var/run/docker",
    ]

    /// Whether `path` (normalised: `//etc`, `/./etc/` and `/x/../etc` are `/etc`) is a sensitive host path, inside
    /// one (`/etc/shadow`), or a directory holding one (`/`, `/var`, `/run`, `/var/run`: the sockets and the kubelet's
    /// state are inside them).
    static func isSensitive(_ path: String) -> Bool {
        let normal = Self.normalised(path)
        if normal == "/" { return true }
        return Self.sensitivePaths.contains { $0 == normal || normal.hasPrefix($0 + "/") || $0.hasPrefix(normal + "/") }
    }

    /// An absolute path with empty and `.` components dropped and `..` applied (never above the root).
    static func normalised(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Containers that mount a sensitive host path with write access: (container, host path — with the mount's
    /// `subPath` when it has one).
    var sensitiveMounts: [(container: Container, hostPath: String)] {
        var result: [(container: Container, hostPath: String)] = []
        for container in self.containers {
            for mount in container.mounts where !mount.readOnly {
                guard let root = self.hostPaths[mount.volume] else { continue }
                let path = mount.subPath.map { Self.normalised(root + "/" + $0) } ?? root
                if Self.isSensitive(path) { result.append((container, path)) }
            }
        }
        return result
    }

    /// Containers and host-path volumes a finding shows at most (mounts: half as many per container).
    static let maxShown = 8

    /// The workload as a finding shows it.
    var details: Finding.KubernetesWorkloadDetails {
        var details = Finding.KubernetesWorkloadDetails(name: self.name, type: self.kind.lowercased() + "s", namespace: self.namespace)
        details.uid = self.uid
        details.hostNetwork = self.hostNetwork
        details.hostPID = self.hostPID
        details.hostIPC = self.hostIPC
        details.serviceAccountName = self.serviceAccountName
        // Held to bounds, as the event's own strings are: a finding over 64 KB would set the agent's batch aside.
        let bounded = KubernetesAuditEvent.bounded as (String) -> String
        details.name = details.name.map(bounded)
        details.namespace = details.namespace.map(bounded)
        details.uid = details.uid.map(bounded)
        details.serviceAccountName = details.serviceAccountName.map(bounded)
        details.containers = self.containers.prefix(Self.maxShown).map { container in
            var shown = Finding.Container(name: container.name.map(bounded), image: container.image.map(bounded))
            shown.imagePrefix = container.image.map { bounded(Self.imagePrefix($0)) }
            shown.securityContext = Finding.SecurityContext(
                privileged: container.privileged, allowPrivilegeEscalation: container.allowPrivilegeEscalation)
            shown.volumeMounts =
                container.mounts.isEmpty
                ? nil
                : container.mounts.prefix(Self.maxShown / 2).map { Finding.VolumeMount(name: bounded($0.volume), mountPath: $0.path.map(bounded)) }
            return shown
        }
        details.volumes =
            self.hostPaths.isEmpty
            ? nil
            : self.hostPaths.sorted { $0.key < $1.key }.prefix(Self.maxShown).map {
                Finding.Volume(name: bounded($0.key), hostPath: Finding.HostPath(path: bounded($0.value)))
            }
        return details
    }

    /// The repository of an image without its tag or digest (`docker.io/library/nginx:1.25` → `docker.io/library/nginx`).
    static func imagePrefix(_ image: String) -> String {
        var text = Substring(image)
        if let at = text.firstIndex(of: "@") { text = text[..<at] }
        if let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") { text = text[..<colon] }
        return String(text)
    }
}
