import GuardDutyModel

/// `<Tactic>:IAMUser/AnomalousBehavior` and the S3 `AnomalousBehavior` types: a call to an API the principal never
/// used in its learning period (see `APIBaselines`). Management events and S3 data events are learned together per
/// principal, so both are one rule.
final class AnomalousBehaviorRule: CloudTrailRule, BaselineRule {
    let findingTypes: [FindingType] = [
        .defenseEvasionIAMUserAnomalousBehavior, .persistenceIAMUserAnomalousBehavior, .privilegeEscalationIAMUserAnomalousBehavior,
        .credentialAccessIAMUserAnomalousBehavior, .exfiltrationIAMUserAnomalousBehavior, .impactIAMUserAnomalousBehavior,
        .initialAccessIAMUserAnomalousBehavior, .discoveryIAMUserAnomalousBehavior,
        .impactS3AnomalousBehaviorPermission, .impactS3AnomalousBehaviorDelete, .impactS3AnomalousBehaviorWrite,
        .exfiltrationS3AnomalousBehavior, .discoveryS3AnomalousBehavior,
    ]
    var state = APIBaselines()

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        let learning = context.thresholds.baselineLearningSeconds
        guard let type = self.anomalousBehavior(event, s3Data: trail.isS3Data, learning: learning) else { return }
        let hours = learning / 3600
        let description =
            trail.isS3Data
            ? "\(event.who(otherwise: "an anonymous caller")) called \(event.eventName) on \(event.bucketName ?? "an unknown bucket"), "
                + "an S3 API it had not used in its first \(hours) hours of activity."
            : "\(event.who()) called \(event.eventName) (\(event.eventSource)), an API it had not used in its first \(hours) hours of activity."
        context.report(RuleHit(type: type, description: description), on: event, trail)
    }

    /// The AnomalousBehavior type of the tactic an IAM-relevant management API serves (nil: none).
    static func tactic(_ source: String, _ name: String) -> FindingType? {
        switch name {
        case "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "DeleteFlowLogs", "DeleteDetector", "DisassociateFromMasterAccount",
            "DeleteResolverQueryLogConfig", "DeleteConfigRule", "StopConfigurationRecorder", "DeleteLogGroup", "LeaveOrganization":
            return .defenseEvasionIAMUserAnomalousBehavior
        case "CreateAccessKey", "CreateUser", "CreateLoginProfile", "UpdateLoginProfile", "ImportKeyPair", "CreateKeyPair",
            "AuthorizeSecurityGroupIngress",
            "CreateFunction20150331", "AddPermission20150331v2", "UpdateFunctionCode20150331v2", "CreateTrustAnchor", "SendSSHPublicKey":
            return .persistenceIAMUserAnomalousBehavior
        case "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy", "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy", "AddUserToGroup",
            "UpdateAssumeRolePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "PassRole":
            return .privilegeEscalationIAMUserAnomalousBehavior
        case "GetSecretValue", "BatchGetSecretValue", "GetPasswordData", "GetParameters", "GetParameter", "GetFederationToken", "GetSessionToken",
            "GetAuthorizationToken", "CreateLoginProfileToken":
            return .credentialAccessIAMUserAnomalousBehavior
        case "ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute", "PutBucketReplication", "CreateSnapshot", "CopySnapshot":
            return .exfiltrationIAMUserAnomalousBehavior
        case "DeleteBucket", "TerminateInstances", "DeleteDBInstance", "DeleteDBCluster", "DeleteVolume", "DeleteSnapshot", "PutBucketLifecycle",
            "DeleteBucketEncryption", "ScheduleKeyDeletion", "DisableKey", "RunInstances":
            return .impactIAMUserAnomalousBehavior
        case "ConsoleLogin", "GetSigninToken":
            return source == "signin.amazonaws.com" ? .initialAccessIAMUserAnomalousBehavior : nil
        default:
            if name.hasPrefix("List") || name.hasPrefix("Describe") || name.hasPrefix("GetBucket") || name == "GetCallerIdentity"
                || name.hasPrefix("GetAccount")
            {
                return .discoveryIAMUserAnomalousBehavior
            }
            return nil
        }
    }

    /// The S3 AnomalousBehavior type of an object-level API.
    static func s3AnomalyType(_ name: String) -> FindingType {
        if name.hasSuffix("Acl") && name.hasPrefix("Put") || name == "PutObjectRetention" || name == "PutObjectLegalHold" {
            return .impactS3AnomalousBehaviorPermission
        }
        if name.hasPrefix("Delete") { return .impactS3AnomalousBehaviorDelete }
        let writes = [
            "PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "RestoreObject",
            "PutObjectTagging",
        ]
        if writes.contains(name) {
            return .impactS3AnomalousBehaviorWrite
        }
        if ["GetObject", "SelectObjectContent", "GetObjectTorrent"].contains(name) { return .exfiltrationS3AnomalousBehavior }
        return .discoveryS3AnomalousBehavior
    }

    /// Learns the call, or returns the AnomalousBehavior type it is (nil when learned, learning, or not a tactic).
    func anomalousBehavior(_ event: CloudTrailEvent, s3Data: Bool, learning: Int64) -> FindingType? {
        guard let principal = event.accessKeyId ?? event.principalId ?? event.identityArn, event.identityType != "AWSService" else { return nil }
        let api = APIBaselines.hash(s3Data: s3Data, source: event.eventSource, name: event.eventName)
        guard let index = self.state.principals.index(forKey: principal) else {
            self.state.principals[principal] = APIBaselines.Principal(firstSeen: event.eventTime, apis: [api])
            self.rememberAPIName(api, s3Data: s3Data, event)
            return nil
        }
        if event.eventTime < self.state.principals.values[index].firstSeen { self.state.principals.values[index].firstSeen = event.eventTime }
        if event.eventTime < self.state.principals.values[index].firstSeen + learning {
            if self.state.principals.values[index].apis.insert(api).inserted { self.rememberAPIName(api, s3Data: s3Data, event) }
            return nil
        }
        guard !self.state.principals.values[index].apis.contains(api) else { return nil }
        if s3Data { return Self.s3AnomalyType(event.eventName) }
        return Self.tactic(event.eventSource, event.eventName)
    }

    func rememberAPIName(_ hash: UInt64, s3Data: Bool, _ event: CloudTrailEvent) {
        if self.state.apiNames[hash] == nil {
            self.state.apiNames[hash] = s3Data ? "s3data:\(event.eventName)" : "\(event.eventSource):\(event.eventName)"
        }
    }

    func export(into learned: inout LearnedBaselines, names: NameTable) {
        for (principal, state) in self.state.principals {
            learned.principals[principal] = LearnedBaselines.Principal(
                firstSeen: state.firstSeen, apis: state.apis.compactMap { self.state.apiNames[$0] }.sorted())
        }
    }

    func restore(_ learned: LearnedBaselines, names: NameTable) {
        for (principal, state) in learned.principals {
            var hashes: Set<UInt64> = []
            for api in state.apis {
                // Stored as `SOURCE:NAME` or `s3data:NAME`: the hash is of exactly that text.
                guard let colon = api.firstIndex(of: ":") else { continue }
                let source = String(api[..<colon])
                let name = String(api[api.index(after: colon)...])
                let hash = APIBaselines.hash(s3Data: source == "s3data", source: source, name: name)
                hashes.insert(hash)
                self.state.apiNames[hash] = api
            }
            self.state.principals[principal] = APIBaselines.Principal(firstSeen: state.firstSeen, apis: hashes)
        }
    }
}
