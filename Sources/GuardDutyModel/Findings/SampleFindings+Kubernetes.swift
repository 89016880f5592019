/// Samples of the Kubernetes types (EKS Audit Log Monitoring): a cluster, a user, a privileged pod with a host path
/// and the API request, with placeholders in GuardDuty's sample style.
extension SampleFindings {
    static func kubernetes(
        type info: FindingTypeInfo, id: String, accountId: String, region: String, detectorId: String, now: String, remote: String
    ) -> Finding {
        var resource = Finding.Resource(resourceType: "EKSCluster")
        resource.eksClusterDetails = Finding.EksClusterDetails(
            name: "GeneratedFindingEKSClusterName", arn: "arn:aws:eks:\(region):\(accountId):cluster/GeneratedFindingEKSClusterName",
            vpcId: "GeneratedFindingVPCId", status: "ACTIVE"
        )
        var container = Finding.Container(name: "GeneratedFindingContainerName", image: "GeneratedFindingContainerImage")
        container.securityContext = Finding.SecurityContext(privileged: true)
        container.volumeMounts = [Finding.VolumeMount(name: "GeneratedFindingVolumeName", mountPath: "/host")]
        var workload = Finding.KubernetesWorkloadDetails(name: "GeneratedFindingWorkloadName", type: "pods", namespace: "GeneratedFindingNamespace")
        workload.containers = [container]
        workload.volumes = [Finding.Volume(name: "GeneratedFindingVolumeName", hostPath: Finding.HostPath(path: "/"))]
        resource.kubernetesDetails = Finding.KubernetesDetails(
            kubernetesUserDetails: Finding.KubernetesUserDetails(
                username: "GeneratedFindingUserName", uid: "GeneratedFindingUID", groups: ["GeneratedFindingUserGroup"]),
            kubernetesWorkloadDetails: workload
        )
        var call = Finding.KubernetesApiCallAction(
            requestUri: "GeneratedFindingRequestURI", verb: "create", sourceIps: [remote], userAgent: "kubectl/v1.29.0", statusCode: 201)
        call.remoteIpDetails = Finding.RemoteIpDetails(address: remote)
        var finding = Finding(
            accountId: accountId,
            arn: "arn:aws:guardduty:\(region):\(accountId):detector/\(detectorId)/finding/\(id)",
            createdAt: now, description: info.title, id: id, region: region, resource: resource,
            service: Finding.Service(
                action: .kubernetes(call), evidence: nil, count: 1, detectorId: detectorId, eventFirstSeen: now, eventLastSeen: now,
                resourceRole: "TARGET", additionalInfo: Finding.AdditionalInfo(value: #"{"sample":true}"#), featureName: info.featureName
            ),
            severity: info.severity, title: info.title, type: info.type, updatedAt: now
        )
        finding.confidence = nil
        return finding
    }
}
