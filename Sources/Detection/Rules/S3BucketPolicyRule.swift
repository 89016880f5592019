import Foundation
import GuardDutyModel

/// S3 Protection's bucket-policy rules on S3 management events, which GuardDuty runs always: Block Public Access
/// turned off for a bucket or the account, a bucket opened to everyone or to every AWS user, server access logging
/// disabled.
final class S3BucketPolicyRule: CloudTrailRule {
    let findingTypes: [FindingType] = [
        .policyS3BucketBlockPublicAccessDisabled, .policyS3AccountBlockPublicAccessDisabled, .policyS3BucketAnonymousAccessGranted,
        .policyS3BucketPublicAccessGranted, .stealthS3ServerAccessLoggingDisabled,
    ]

    /// The management APIs the bucket-policy rules look at (the CloudTrail reader keeps the request parameters of these only).
    static let policyAPIs: Set<String> = [
        "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock", "PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock",
        "PutBucketAcl", "PutBucketPolicy", "PutBucketLogging",
    ]

    /// Management events that weaken a bucket's or the account's protection (always analysed, as GuardDuty does).
    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard !trail.isS3Data, event.eventSource.hasPrefix("s3"), event.errorCode == nil, Self.policyAPIs.contains(event.eventName),
            let found = Self.hit(event)
        else { return }
        var resource = RuleContext.s3Resource(event, bucketType: "Destination")
        resource.resourceType = "AccessKey"
        context.add(
            Observation(
                type: found.type, key: "\(event.bucketName ?? "account")|\(event.accessKeyId ?? event.principalId ?? "-")",
                time: event.eventTime, accountId: trail.account, region: trail.region, resource: resource, resourceRole: "TARGET",
                action: RuleContext.apiAction(event, remote: trail.remote, errorCode: nil),
                evidence: nil, description: found.description
            ))
    }

    /// What a successful policy API call did, when it weakened a protection.
    static func hit(_ event: CloudTrailEvent) -> RuleHit? {
        let isS3 = event.eventSource == "s3.amazonaws.com"
        let isS3Control = event.eventSource == "s3-control.amazonaws.com" || isS3
        // Parsed only for the few APIs the rules read (the hot path never gets here).
        let parameters = event.requestParameters.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) } as? [String: Any] ?? [:]
        let who = event.userName ?? event.identityArn ?? event.principalId ?? "unknown principal"
        let bucket = event.bucketName ?? "an unknown bucket"
        switch event.eventName {
        case "PutBucketPublicAccessBlock" where isS3 && Self.blockPublicAccessWeakened(parameters):
            return RuleHit(
                type: .policyS3BucketBlockPublicAccessDisabled,
                description: "Block Public Access was turned off for bucket \(bucket) by \(who).")
        case "DeleteBucketPublicAccessBlock" where isS3:
            return RuleHit(
                type: .policyS3BucketBlockPublicAccessDisabled,
                description: "The Block Public Access configuration of bucket \(bucket) was deleted by \(who).")
        case "PutAccountPublicAccessBlock" where isS3Control && Self.blockPublicAccessWeakened(parameters):
            return RuleHit(
                type: .policyS3AccountBlockPublicAccessDisabled,
                description: "Block Public Access was turned off for the account by \(who).")
        case "DeleteAccountPublicAccessBlock" where isS3Control:
            return RuleHit(
                type: .policyS3AccountBlockPublicAccessDisabled,
                description: "The account's Block Public Access configuration was deleted by \(who).")
        case "PutBucketAcl" where isS3:
            switch Self.aclGrantee(parameters) {
            case "AllUsers":
                return RuleHit(
                    type: .policyS3BucketAnonymousAccessGranted,
                    description: "The ACL of bucket \(bucket) was changed by \(who) to grant access to everyone (AllUsers).")
            case "AuthenticatedUsers":
                return RuleHit(
                    type: .policyS3BucketPublicAccessGranted,
                    description: "The ACL of bucket \(bucket) was changed by \(who) to grant access to every authenticated AWS user.")
            default: return nil
            }
        case "PutBucketPolicy" where isS3 && Self.policyGrantsEveryone(parameters):
            return RuleHit(
                type: .policyS3BucketAnonymousAccessGranted,
                description: "The policy of bucket \(bucket) was changed by \(who) to allow access to any principal without a condition.")
        case "PutBucketLogging" where isS3 && Self.loggingDisabled(parameters):
            return RuleHit(
                type: .stealthS3ServerAccessLoggingDisabled,
                description: "Server access logging was disabled for bucket \(bucket) by \(who).")
        default:
            return nil
        }
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
