import Foundation
import GuardDutyModel
import ThreatLists

/// S3 Protection: CloudTrail S3 data events (object-level APIs), analysed only while the S3_DATA_EVENTS feature is
/// in force (`s3DataEvents`), and the bucket-policy rules on S3 management events, which GuardDuty runs always.
extension DetectionEngine {
    /// Object-level S3 APIs, which CloudTrail records as data events.
    static let s3ObjectAPIs: Set<String> = [
        "GetObject", "GetObjectAcl", "GetObjectAttributes", "GetObjectTagging", "GetObjectRetention", "GetObjectLegalHold", "GetObjectTorrent",
        "HeadObject", "PutObject", "PutObjectAcl", "PutObjectTagging", "PutObjectRetention", "PutObjectLegalHold", "CopyObject",
        "DeleteObject", "DeleteObjects", "DeleteObjectTagging", "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads",
        "ListParts", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload",
        "RestoreObject", "SelectObjectContent", "WriteGetObjectResponse",
    ]

    /// A CloudTrail S3 data event: marked so (`eventCategory` Data, `managementEvent` false), or an object-level API.
    public static func isS3DataEvent(_ event: CloudTrailEvent) -> Bool {
        guard event.eventSource == "s3.amazonaws.com" else { return false }
        if event.eventCategory == "Data" || event.managementEvent == false { return true }
        if event.eventCategory == "Management" || event.managementEvent == true { return false }
        return Self.s3ObjectAPIs.contains(event.eventName)
    }

    /// The S3 API family GuardDuty names S3 threat-intelligence findings after.
    static func s3Purpose(_ api: String) -> String {
        if api.hasPrefix("List") || api.hasPrefix("Head") || api.hasSuffix("Acl") && api.hasPrefix("Get") || api == "GetObjectAttributes" || api == "GetObjectTagging" {
            return "Discovery"
        }
        if ["GetObject", "CopyObject", "UploadPartCopy", "SelectObjectContent", "RestoreObject", "GetObjectTorrent"].contains(api) { return "Exfiltration" }
        return "Impact"
    }

    func s3Resource(_ event: CloudTrailEvent, bucketType: String) -> Finding.Resource {
        var resource = Self.accessKeyResource(event)
        resource.resourceType = "S3Bucket"
        if let bucket = event.bucketName {
            resource.s3BucketDetails = [Finding.S3BucketDetail(arn: "arn:aws:s3:::\(bucket)", name: bucket, type: bucketType)]
        }
        return resource
    }

    /// Data events: penetration-testing user agents, threat-list, Tor and built-in malicious addresses.
    func processS3DataEvent(_ event: CloudTrailEvent, remote: IPAddress?, account: String, region: String) {
        let who = event.userName ?? event.identityArn ?? event.principalId ?? "an anonymous caller"
        let bucket = event.bucketName ?? "an unknown bucket"
        var types: [(String, String, Finding.Evidence?)] = []
        if let anomaly = self.anomalousBehavior(event, s3Data: true) {
            types.append((anomaly, "\(who) called \(event.eventName) on \(bucket), an S3 API it had not used in its first \(self.thresholds.baselineLearningSeconds / 3600) hours of activity.", nil))
        }
        if let agent = event.userAgent {
            for (needle, name, type) in Self.penTestAgents where Self.containsIgnoringCase(agent, needle) {
                types.append(("PenTest:S3/\(type)", "The S3 API \(event.eventName) on \(bucket) was invoked by \(who) from a machine whose user agent names \(name).", nil))
            }
        }
        if let remote, !remote.isPrivateOrBogon {
            let purpose = Self.s3Purpose(event.eventName)
            let verdict = self.intelligence.verdict(remote)
            let lists = verdict.threatLists
            if !lists.isEmpty {
                types.append((
                    purpose == "Discovery" ? "Discovery:S3/MaliciousIPCaller.Custom" : "UnauthorizedAccess:S3/MaliciousIPCaller.Custom",
                    "The S3 API \(event.eventName) on \(bucket) was invoked by \(who) from \(remote), an IP address on the threat list \(lists.joined(separator: ", ")).",
                    Finding.Evidence(threatIntelligenceDetails: lists.map { Finding.ThreatIntelligenceDetail(threatListName: $0) })
                ))
            }
            if verdict.tor {
                types.append((
                    purpose == "Discovery" ? "Discovery:S3/TorIPCaller" : "UnauthorizedAccess:S3/TorIPCaller",
                    "The S3 API \(event.eventName) on \(bucket) was invoked by \(who) from \(remote), a Tor exit node.", nil
                ))
            }
            if verdict.malicious {
                types.append((
                    "\(purpose):S3/MaliciousIPCaller",
                    "The S3 API \(event.eventName) on \(bucket) was invoked by \(who) from \(remote), an IP address known to be malicious.", nil
                ))
            }
        }
        for (type, description, evidence) in types {
            self.aggregator.add(Observation(
                type: type, key: "\(event.bucketName ?? "-")|\(event.accessKeyId ?? event.principalId ?? "-")|\(event.sourceIPAddress ?? "-")",
                time: event.eventTime, accountId: account, region: region, resource: self.s3Resource(event, bucketType: "Destination"),
                resourceRole: "TARGET",
                action: .api(Finding.AwsApiCallAction(
                    api: event.eventName, callerType: remote == nil ? "AWS Service" : "Remote IP", errorCode: event.errorCode, userAgent: event.userAgent,
                    remoteIp: remote?.description, serviceName: event.eventSource
                )),
                evidence: evidence, description: description
            ))
        }
    }

    /// Whether `text` contains the lowercase ASCII `needle`, ignoring case, without allocating.
    static func containsIgnoringCase(_ text: String, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = pattern.first else { return true }
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= pattern.count else { return false }
            for start in 0...(bytes.count - pattern.count) where bytes[start] | 0x20 == first {
                var index = 1
                while index < pattern.count, bytes[start + index] | 0x20 == pattern[index] { index += 1 }
                if index == pattern.count { return true }
            }
            return false
        }
    }

    /// User-agent marks of penetration-testing distributions: (lowercase needle, name, finding type suffix).
    static let penTestAgents: [(StaticString, String, String)] = [
        ("kali", "Kali Linux", "KaliLinux"), ("parrot", "Parrot Security Linux", "ParrotLinux"), ("pentoo", "Pentoo Linux", "PentooLinux"),
    ]

    /// The management APIs the bucket-policy rules look at.
    static let s3PolicyAPIs: Set<String> = [
        "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock", "PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock",
        "PutBucketAcl", "PutBucketPolicy", "PutBucketLogging",
    ]

    /// Management events that weaken a bucket's or the account's protection (always analysed, as GuardDuty does).
    func processS3ManagementEvent(_ event: CloudTrailEvent, remote: IPAddress?, account: String, region: String) {
        guard event.errorCode == nil, Self.s3PolicyAPIs.contains(event.eventName) else { return }
        let isS3 = event.eventSource == "s3.amazonaws.com"
        let isS3Control = event.eventSource == "s3-control.amazonaws.com" || isS3
        // Parsed only for the few APIs the rules read (the hot path never gets here).
        let parameters = event.requestParameters.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) } as? [String: Any] ?? [:]
        let who = event.userName ?? event.identityArn ?? event.principalId ?? "unknown principal"
        let bucket = event.bucketName ?? "an unknown bucket"
        var found: (String, String)?
        switch event.eventName {
        case "PutBucketPublicAccessBlock" where isS3:
            if Self.blockPublicAccessWeakened(parameters) {
                found = ("Policy:S3/BucketBlockPublicAccessDisabled", "Block Public Access was turned off for bucket \(bucket) by \(who).")
            }
        case "DeleteBucketPublicAccessBlock" where isS3:
            found = ("Policy:S3/BucketBlockPublicAccessDisabled", "The Block Public Access configuration of bucket \(bucket) was deleted by \(who).")
        case "PutAccountPublicAccessBlock" where isS3Control:
            if Self.blockPublicAccessWeakened(parameters) {
                found = ("Policy:S3/AccountBlockPublicAccessDisabled", "Block Public Access was turned off for the account by \(who).")
            }
        case "DeleteAccountPublicAccessBlock" where isS3Control:
            found = ("Policy:S3/AccountBlockPublicAccessDisabled", "The account's Block Public Access configuration was deleted by \(who).")
        case "PutBucketAcl" where isS3:
            switch Self.aclGrantee(parameters) {
            case "AllUsers": found = ("Policy:S3/BucketAnonymousAccessGranted", "The ACL of bucket \(bucket) was changed by \(who) to grant access to everyone (AllUsers).")
            case "AuthenticatedUsers":
                found = ("Policy:S3/BucketPublicAccessGranted", "The ACL of bucket \(bucket) was changed by \(who) to grant access to every authenticated AWS user.")
            default: break
            }
        case "PutBucketPolicy" where isS3:
            if Self.policyGrantsEveryone(parameters) {
                found = ("Policy:S3/BucketAnonymousAccessGranted", "The policy of bucket \(bucket) was changed by \(who) to allow access to any principal without a condition.")
            }
        case "PutBucketLogging" where isS3:
            if Self.loggingDisabled(parameters) {
                found = ("Stealth:S3/ServerAccessLoggingDisabled", "Server access logging was disabled for bucket \(bucket) by \(who).")
            }
        default:
            break
        }
        guard let (type, description) = found else { return }
        var resource = self.s3Resource(event, bucketType: "Destination")
        resource.resourceType = "AccessKey"
        self.aggregator.add(Observation(
            type: type, key: "\(event.bucketName ?? "account")|\(event.accessKeyId ?? event.principalId ?? "-")",
            time: event.eventTime, accountId: account, region: region, resource: resource, resourceRole: "TARGET",
            action: .api(Finding.AwsApiCallAction(
                api: event.eventName, callerType: remote == nil ? "AWS Service" : "Remote IP", errorCode: nil, userAgent: event.userAgent,
                remoteIp: remote?.description, serviceName: event.eventSource
            )),
            evidence: nil, description: description
        ))
    }

    /// Any of the four Block Public Access settings set to false.
    static func blockPublicAccessWeakened(_ parameters: [String: Any]) -> Bool {
        guard let configuration = parameters["PublicAccessBlockConfiguration"] as? [String: Any] else { return false }
        return ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"].contains { key in
            (configuration[key] as? Bool) == false || (configuration[key] as? String)?.lowercased() == "false"
        }
    }

    /// "AllUsers" or "AuthenticatedUsers" when the new ACL (canned or explicit grants) opens the bucket, else nil.
    static func aclGrantee(_ parameters: [String: Any]) -> String? {
        switch (parameters["x-amz-acl"] as? String) ?? ((parameters["x-amz-acl"] as? [String])?.first) {
        case "public-read", "public-read-write": return "AllUsers"
        case "authenticated-read": return "AuthenticatedUsers"
        default: break
        }
        let text = String(describing: parameters)
        if text.contains("acs.amazonaws.com/groups/global/AllUsers") { return "AllUsers" }
        if text.contains("acs.amazonaws.com/groups/global/AuthenticatedUsers") { return "AuthenticatedUsers" }
        for header in ["x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-full-control", "x-amz-grant-read-acp", "x-amz-grant-write-acp"] {
            if let value = parameters[header] as? String, value.contains("AllUsers") { return "AllUsers" }
        }
        return nil
    }

    /// An Allow statement for principal "*" (or {"AWS": "*"}) without a Condition.
    static func policyGrantsEveryone(_ parameters: [String: Any]) -> Bool {
        var policy = parameters["bucketPolicy"]
        if let text = policy as? String { policy = try? JSONSerialization.jsonObject(with: Data(text.utf8)) }
        guard let document = policy as? [String: Any] else { return false }
        let statements = (document["Statement"] as? [[String: Any]]) ?? ((document["Statement"] as? [String: Any]).map { [$0] } ?? [])
        return statements.contains { statement in
            guard (statement["Effect"] as? String) == "Allow", statement["Condition"] == nil else { return false }
            let principal = statement["Principal"]
            if let text = principal as? String { return text == "*" }
            if let map = principal as? [String: Any] {
                if let aws = map["AWS"] as? String { return aws == "*" }
                if let aws = map["AWS"] as? [String] { return aws.contains("*") }
            }
            return false
        }
    }

    /// A BucketLoggingStatus without LoggingEnabled.
    static func loggingDisabled(_ parameters: [String: Any]) -> Bool {
        guard let status = parameters["BucketLoggingStatus"] else { return false }
        if let map = status as? [String: Any] { return map["LoggingEnabled"] == nil }
        return (status as? String)?.isEmpty ?? false
    }
}
