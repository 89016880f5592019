import GuardDutyModel

/// The detail pane's lines for a Kubernetes finding (EKS Audit Log Monitoring): the cluster, the user who made the
/// request, the workload it was about (its containers' images and privileges, its host paths) and the request itself.
extension FindingDetailView {
    static func kubernetesFacts(_ finding: Finding?) -> [(String, String?)] {
        guard let finding, finding.resource.eksClusterDetails != nil || finding.service.action.kubernetesApiCallAction != nil else { return [] }
        let user = finding.resource.kubernetesDetails?.kubernetesUserDetails
        let workload = finding.resource.kubernetesDetails?.kubernetesWorkloadDetails
        let request = finding.service.action.kubernetesApiCallAction
        let userText = user.map { user in
            var text = user.username ?? "(no username)"
            if let groups = user.groups, !groups.isEmpty { text += " (groups: \(groups.joined(separator: ", ")))" }
            if let impersonated = user.impersonatedUser?.username { text += ", acting as \(impersonated)" }
            return text
        }
        let workloadText = workload.map { workload in
            var text = [workload.type, workload.name].compactMap { $0 }.joined(separator: " ")
            if let namespace = workload.namespace { text += " in namespace \(namespace)" }
            let host = [("hostNetwork", workload.hostNetwork), ("hostPID", workload.hostPID), ("hostIPC", workload.hostIPC)]
                .filter { $0.1 == true }.map(\.0)
            if !host.isEmpty { text += " (\(host.joined(separator: ", ")))" }
            return text
        }
        let containers = workload?.containers.map { containers in
            containers.map { container in
                let privileged = container.securityContext?.privileged == true ? ", privileged" : ""
                return "\(container.name ?? "?"): \(container.image ?? "?")\(privileged)"
            }.joined(separator: "; ")
        }
        let volumes = workload?.volumes.map { volumes in
            volumes.map { volume in "\(volume.name ?? "?")" + (volume.hostPath?.path.map { " → hostPath \($0)" } ?? "") }.joined(separator: "; ")
        }
        let requestText = request.map { request in
            [request.verb, request.requestUri, request.statusCode.map { "→ \($0)" }].compactMap { $0 }.joined(separator: " ")
        }
        return [
            ("Cluster", finding.resource.eksClusterDetails?.name), ("Kubernetes user", userText), ("Workload", workloadText),
            ("Containers", containers), ("Volumes", volumes), ("Request", requestText),
            ("Source IPs", request?.sourceIps.map { $0.joined(separator: ", ") }), ("User agent", request?.userAgent),
        ]
    }
}
