/// CreateSampleFindings: one realistic finding of a catalogued type, marked as a sample the way GuardDuty marks
/// them (`service.additionalInfo` `{"sample":true}`), with placeholder resources in GuardDuty's sample style.
public enum SampleFindings {
    /// A sample of `type` for the account's detector, created and last seen at `now` (ISO 8601).
    public static func make(type info: FindingTypeInfo, id: String, accountId: String, region: String, detectorId: String, now: String) -> Finding {
        let remote = "198.51.100.\(Int(id.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xff }) % 250 + 1)"
        let resource: Finding.Resource
        if info.resourceType == "AccessKey" {
            resource = Finding.Resource(
                resourceType: "AccessKey",
                accessKeyDetails: Finding.AccessKeyDetails(
                    accessKeyId: "GeneratedFindingAccessKeyId", principalId: "GeneratedFindingPrincipalId",
                    userName: "GeneratedFindingUserName", userType: "IAMUser"
                )
            )
        } else if info.resourceType == "EKSCluster" {
            var cluster = Finding.Resource(resourceType: "EKSCluster")
            cluster.eksClusterDetails = Finding.EksClusterDetails(name: "GeneratedFindingEKSClusterName", status: "ACTIVE")
            cluster.kubernetesDetails = Finding.KubernetesDetails(
                kubernetesUserDetails: Finding.KubernetesUserDetails(username: "GeneratedFindingUserName", groups: ["system:authenticated"]),
                kubernetesWorkloadDetails: Finding.KubernetesWorkloadDetails(
                    name: "GeneratedFindingWorkloadName", type: "pods", namespace: "GeneratedFindingNamespace"))
            resource = cluster
        } else {
            resource = Finding.Resource(
                resourceType: "Instance",
                instanceDetails: Finding.InstanceDetails(
                    instanceId: "i-99999999",
                    networkInterfaces: [
                        Finding.NetworkInterface(networkInterfaceId: "eni-abcdef00", privateIpAddress: "10.0.0.1", vpcId: "GeneratedFindingVPCId")
                    ]
                )
            )
        }
        let action: Finding.Action
        let role: String
        switch info.featureName {
        case "CloudTrail":
            action = .api(
                Finding.AwsApiCallAction(
                    api: "GeneratedFindingAPIName", callerType: "Remote IP", errorCode: nil, userAgent: "aws-cli/2.15.0",
                    remoteIp: remote, serviceName: "GeneratedFindingAPIServiceName"
                ))
            role = "TARGET"
        case "EksAuditLogs":
            var call = Finding.KubernetesApiCallAction(
                requestUri: "GeneratedFindingRequestURI", verb: "create", sourceIps: [remote], userAgent: "kubectl/v1.30.2", statusCode: 201)
            call.remoteIpDetails = Finding.RemoteIpDetails(address: remote)
            action = .kubernetes(call)
            role = "TARGET"
        case "DnsLogs":
            action = .dns(Finding.DnsRequestAction(domain: "GeneratedFindingDomainName", protocolName: "UDP", blocked: false))
            role = "ACTOR"
        default:
            if info.type.hasPrefix("Recon:EC2/PortProbe") {
                action = .portProbe(
                    Finding.PortProbeAction(
                        blocked: false, portProbeDetails: [Finding.PortProbeDetail(localPort: 22, local: "10.0.0.1", remote: remote)]))
                role = "TARGET"
            } else {
                let inbound = info.type.contains("BruteForce")
                action = .network(
                    Finding.NetworkConnectionAction(
                        blocked: false, direction: inbound ? "INBOUND" : "OUTBOUND", protocolName: "TCP",
                        local: "10.0.0.1", localPort: inbound ? 22 : 49152, remote: remote, remotePort: inbound ? 49152 : 443
                    ))
                role = inbound ? "TARGET" : "ACTOR"
            }
        }
        var finding = Finding(
            accountId: accountId,
            arn: "arn:aws:guardduty:\(region):\(accountId):detector/\(detectorId)/finding/\(id)",
            createdAt: now, description: info.title, id: id, region: region, resource: resource,
            service: Finding.Service(
                action: action, evidence: nil, count: 1, detectorId: detectorId, eventFirstSeen: now, eventLastSeen: now,
                resourceRole: role, additionalInfo: Finding.AdditionalInfo(value: #"{"sample":true}"#), featureName: info.featureName
            ),
            severity: info.severity, title: info.title, type: info.type, updatedAt: now
        )
        finding.confidence = nil
        return finding
    }
}
