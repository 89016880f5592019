import GuardDutyModel
import ThreatLists

/// What the CloudTrail rules share to turn a hit into an observation.
extension RuleContext {
    /// The principal of a CloudTrail event as a finding's AccessKey resource.
    static func accessKeyResource(_ event: CloudTrailEvent) -> Finding.Resource {
        Finding.Resource(
            resourceType: "AccessKey",
            accessKeyDetails: Finding.AccessKeyDetails(
                accessKeyId: event.accessKeyId, principalId: event.principalId,
                userName: event.userName ?? (event.identityType == "Root" ? "Root" : event.identityArn?.split(separator: "/").last.map(String.init)),
                userType: event.identityType
            ))
    }

    /// The principal and bucket of an S3 event as a finding's S3Bucket resource.
    static func s3Resource(_ event: CloudTrailEvent, bucketType: String) -> Finding.Resource {
        var resource = Self.accessKeyResource(event)
        resource.resourceType = "S3Bucket"
        if let bucket = event.bucketName {
            resource.s3BucketDetails = [Finding.S3BucketDetail(arn: "arn:aws:s3:::\(bucket)", name: bucket, type: bucketType)]
        }
        return resource
    }

    /// The API call of an event as a finding's action.
    static func apiAction(_ event: CloudTrailEvent, remote: IPAddress?, errorCode: String?) -> Finding.Action {
        .api(
            Finding.AwsApiCallAction(
                api: event.eventName, callerType: remote == nil ? "AWS Service" : "Remote IP", errorCode: errorCode, userAgent: event.userAgent,
                remoteIp: remote?.description, serviceName: event.eventSource
            ))
    }

    /// Adds a rule's hit on one event: on the caller's access key for management events, on the bucket for S3 data events.
    func report(_ hit: RuleHit, on event: CloudTrailEvent, _ trail: CloudTrailContext) {
        let caller = "\(event.accessKeyId ?? event.principalId ?? "-")|\(event.sourceIPAddress ?? "-")"
        self.add(
            Observation(
                type: hit.type, key: trail.isS3Data ? "\(event.bucketName ?? "-")|\(caller)" : caller,
                time: event.eventTime, accountId: trail.account, region: trail.region,
                resource: trail.isS3Data ? Self.s3Resource(event, bucketType: "Destination") : Self.accessKeyResource(event),
                resourceRole: "TARGET",
                action: Self.apiAction(event, remote: trail.remote, errorCode: event.errorCode),
                evidence: hit.evidence, description: hit.description
            ))
    }
}
