import GuardDutyModel

/// PrivilegeEscalation:Kubernetes/PrivilegedContainer and Persistence:Kubernetes/ContainerWithSensitiveMount: a
/// workload created or changed with a privileged container (or one sharing the node's network, PID or IPC
/// namespace, which GuardDuty has no type of its own for: its nearest is PrivilegedContainer), or with a sensitive
/// host path mounted writable. As GuardDuty does, only an image never before launched that way in the cluster raises
/// a finding: the DaemonSet of a CNI plugin or kube-proxy that restarts every day is known after its first launch, and
/// the pods a ReplicaSet makes for a Deployment are known once the Deployment was judged.
final class KubernetesWorkloadRule: KubernetesRule, BaselineRule {
    let findingTypes: [FindingType] = [.privilegeEscalationKubernetesPrivilegedContainer, .persistenceKubernetesContainerWithSensitiveMount]
    /// What each cluster has launched: `privileged|IMAGE`, `hostNetwork|IMAGE`, `mount|IMAGE|PATH`.
    var launched: [String: Set<String>] = [:]

    func process(_ event: KubernetesAuditEvent, _ audit: KubernetesContext, in context: RuleContext) {
        guard audit.succeeded, let workload = KubernetesWorkload(event) else { return }
        let place = "\(workload.kind) \(workload.namespace.map { $0 + "/" } ?? "")\(workload.name ?? "(unnamed)")"
        for container in workload.containers {
            let image = container.image ?? "(no image)"
            if container.privileged, self.isNew("privileged|\(image)", audit.cluster) {
                context.report(
                    RuleHit(
                        type: .privilegeEscalationKubernetesPrivilegedContainer,
                        description: "\(event.who) launched the privileged container \(container.name ?? "-") (image \(image)) in \(place) "
                            + "on the cluster \(audit.cluster): the image had not been launched privileged in this cluster before."),
                    on: event, audit, subject: "\(workload.namespace ?? "-")/\(workload.name ?? "-")", workload: workload)
            }
        }
        let shared = [("hostNetwork", workload.hostNetwork), ("hostPID", workload.hostPID), ("hostIPC", workload.hostIPC)].filter(\.1).map(\.0)
        if !shared.isEmpty {
            let images = workload.containers.map { $0.image ?? "(no image)" }
            let fresh = images.filter { self.isNew("\(shared.joined(separator: ","))|\($0)", audit.cluster) }
            if !fresh.isEmpty {
                context.report(
                    RuleHit(
                        type: .privilegeEscalationKubernetesPrivilegedContainer,
                        description: "\(event.who) launched \(place) sharing the node's \(shared.joined(separator: ", ")) "
                            + "(images \(fresh.joined(separator: ", "))) on the cluster \(audit.cluster): a container in the node's "
                            + "namespaces reaches the node's interfaces and processes as a privileged one does."),
                    on: event, audit, subject: "\(workload.namespace ?? "-")/\(workload.name ?? "-")", workload: workload)
            }
        }
        for (container, path) in workload.sensitiveMounts where self.isNew("mount|\(container.image ?? "-")|\(path)", audit.cluster) {
            context.report(
                RuleHit(
                    type: .persistenceKubernetesContainerWithSensitiveMount,
                    description: "\(event.who) launched the container \(container.name ?? "-") (image \(container.image ?? "-")) in \(place) "
                        + "with the node's \(path) mounted writable on the cluster \(audit.cluster)."),
                on: event, audit, subject: "\(workload.namespace ?? "-")/\(workload.name ?? "-")", workload: workload)
        }
    }

    /// Learns `launch` in `cluster`; true the first time.
    func isNew(_ launch: String, _ cluster: String) -> Bool {
        // Bounded (image names are the log's): past the cap a launch is not remembered, so it is reported again (into
        // the same finding, whose key names the workload) rather than forgotten.
        if let known = self.launched[cluster], known.count >= Self.maxLaunches { return !known.contains(launch) }
        return self.launched[cluster, default: []].insert(launch).inserted
    }

    /// Launches remembered at most per cluster.
    static let maxLaunches = 50_000

    func export(into learned: inout LearnedBaselines, names: NameTable) {
        var clusters = learned.kubernetesLaunches ?? [:]
        for (cluster, launches) in self.launched { clusters[cluster] = launches.sorted() }
        learned.kubernetesLaunches = clusters
    }

    func restore(_ learned: LearnedBaselines, names: NameTable) {
        for (cluster, launches) in learned.kubernetesLaunches ?? [:] { self.launched[cluster, default: []].formUnion(launches) }
    }
}
