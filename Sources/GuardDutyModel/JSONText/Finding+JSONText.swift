/// Every finding shape writes itself as `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) would: members in
/// sorted key order by their JSON names, nil members left out. A member added to a shape must be added here too;
/// `JSONTextWriterTests` fails on a finding with every member set until it is.
extension Finding: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("accountId", self.accountId)
        w.member("arn", self.arn)
        w.member("confidence", self.confidence)
        w.member("createdAt", self.createdAt)
        w.member("description", self.description)
        w.member("id", self.id)
        w.member("partition", self.partition)
        w.member("region", self.region)
        w.member("resource", self.resource)
        w.member("schemaVersion", self.schemaVersion)
        w.member("service", self.service)
        w.member("severity", self.severity)
        w.member("title", self.title)
        w.member("type", self.type)
        w.member("updatedAt", self.updatedAt)
        w.endObject()
    }
}

extension AgentFindingBatch: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("detectorId", self.detectorId)
        w.member("findings", self.findings)
        w.endObject()
    }
}

extension Finding.Resource: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("accessKeyDetails", self.accessKeyDetails)
        w.member("eksClusterDetails", self.eksClusterDetails)
        w.member("instanceDetails", self.instanceDetails)
        w.member("kubernetesDetails", self.kubernetesDetails)
        w.member("resourceType", self.resourceType)
        w.member("s3BucketDetails", self.s3BucketDetails)
        w.endObject()
    }
}

extension Finding.AccessKeyDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("accessKeyId", self.accessKeyId)
        w.member("principalId", self.principalId)
        w.member("userName", self.userName)
        w.member("userType", self.userType)
        w.endObject()
    }
}

extension Finding.InstanceDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("instanceId", self.instanceId)
        w.member("networkInterfaces", self.networkInterfaces)
        w.endObject()
    }
}

extension Finding.NetworkInterface: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("networkInterfaceId", self.networkInterfaceId)
        w.member("privateIpAddress", self.privateIpAddress)
        w.member("vpcId", self.vpcId)
        w.endObject()
    }
}

extension Finding.S3BucketDetail: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("arn", self.arn)
        w.member("name", self.name)
        w.member("type", self.type)
        w.endObject()
    }
}

extension Finding.Service: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("action", self.action)
        w.member("additionalInfo", self.additionalInfo)
        w.member("archived", self.archived)
        w.member("count", self.count)
        w.member("detectorId", self.detectorId)
        w.member("eventFirstSeen", self.eventFirstSeen)
        w.member("eventLastSeen", self.eventLastSeen)
        w.member("evidence", self.evidence)
        w.member("featureName", self.featureName)
        w.member("resourceRole", self.resourceRole)
        w.member("serviceName", self.serviceName)
        w.member("userFeedback", self.userFeedback)
        w.endObject()
    }
}

extension Finding.AdditionalInfo: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("type", self.type)
        w.member("value", self.value)
        w.endObject()
    }
}

extension Finding.Evidence: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("threatIntelligenceDetails", self.threatIntelligenceDetails)
        w.endObject()
    }
}

extension Finding.ThreatIntelligenceDetail: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("threatListName", self.threatListName)
        w.member("threatNames", self.threatNames)
        w.endObject()
    }
}

extension Finding.Action: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("actionType", self.actionType)
        w.member("awsApiCallAction", self.awsApiCallAction)
        w.member("dnsRequestAction", self.dnsRequestAction)
        w.member("kubernetesApiCallAction", self.kubernetesApiCallAction)
        w.member("kubernetesPermissionCheckedDetails", self.kubernetesPermissionCheckedDetails)
        w.member("kubernetesRoleBindingDetails", self.kubernetesRoleBindingDetails)
        w.member("kubernetesRoleDetails", self.kubernetesRoleDetails)
        w.member("networkConnectionAction", self.networkConnectionAction)
        w.member("portProbeAction", self.portProbeAction)
        w.endObject()
    }
}

extension Finding.RemoteIpDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("city", self.city)
        w.member("country", self.country)
        w.member("geoLocation", self.geoLocation)
        w.member("ipAddressV4", self.ipAddressV4)
        w.member("ipAddressV6", self.ipAddressV6)
        w.member("organization", self.organization)
        w.endObject()
    }
}

extension Finding.PortDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("port", self.port)
        w.member("portName", self.portName)
        w.endObject()
    }
}

extension Finding.LocalIpDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("ipAddressV4", self.ipAddressV4)
        w.member("ipAddressV6", self.ipAddressV6)
        w.endObject()
    }
}

extension Finding.NetworkConnectionAction: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("blocked", self.blocked)
        w.member("connectionDirection", self.connectionDirection)
        w.member("localIpDetails", self.localIpDetails)
        w.member("localPortDetails", self.localPortDetails)
        w.member("protocol", self.protocolName)
        w.member("remoteIpDetails", self.remoteIpDetails)
        w.member("remotePortDetails", self.remotePortDetails)
        w.endObject()
    }
}

extension Finding.PortProbeAction: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("blocked", self.blocked)
        w.member("portProbeDetails", self.portProbeDetails)
        w.endObject()
    }
}

extension Finding.PortProbeDetail: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("localIpDetails", self.localIpDetails)
        w.member("localPortDetails", self.localPortDetails)
        w.member("remoteIpDetails", self.remoteIpDetails)
        w.endObject()
    }
}

extension Finding.AwsApiCallAction: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("api", self.api)
        w.member("callerType", self.callerType)
        w.member("errorCode", self.errorCode)
        w.member("remoteIpDetails", self.remoteIpDetails)
        w.member("serviceName", self.serviceName)
        w.member("userAgent", self.userAgent)
        w.endObject()
    }
}

extension Finding.DnsRequestAction: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("blocked", self.blocked)
        w.member("domain", self.domain)
        w.member("protocol", self.protocolName)
        w.endObject()
    }
}

extension Finding.City: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("cityName", self.cityName)
        w.endObject()
    }
}

extension Finding.Country: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("countryCode", self.countryCode)
        w.member("countryName", self.countryName)
        w.endObject()
    }
}

extension Finding.GeoLocation: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("lat", self.lat)
        w.member("lon", self.lon)
        w.endObject()
    }
}

extension Finding.Organization: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("asn", self.asn)
        w.member("asnOrg", self.asnOrg)
        w.member("isp", self.isp)
        w.member("org", self.org)
        w.endObject()
    }
}
