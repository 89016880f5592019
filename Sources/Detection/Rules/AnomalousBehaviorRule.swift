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
    /// The learning period in force (the engine's threshold, kept for `export`).
    var learning = DetectionEngine.Thresholds().baselineLearningSeconds

    /// How long (record time) after it a candidate call waits for earlier records that may make its API learned.
    static let holdSeconds: Int64 = 3_600

    var hasOpenWindows: Bool { self.state.principals.values.contains { !$0.candidates.isEmpty } }

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        self.learning = context.thresholds.baselineLearningSeconds
        self.learn(event, trail, learning: self.learning)
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        let learning = context.thresholds.baselineLearningSeconds
        for principal in self.state.principals.keys.sorted() {
            guard var state = self.state.principals[principal], !state.candidates.isEmpty else { continue }
            for (api, candidate) in state.candidates where watermark.map({ candidate.event.eventTime + Self.holdSeconds <= $0 }) ?? true {
                state.candidates.removeValue(forKey: api)
                // Judged now that earlier records had their chance: still first called after the learning period?
                guard let first = state.apis[api], first >= state.firstSeen + learning else { continue }
                self.report(candidate, learning: learning, in: context)
            }
            self.state.principals[principal] = state
        }
    }

    func report(_ candidate: APIBaselines.Candidate, learning: Int64, in context: RuleContext) {
        let event = candidate.event
        let hours = learning / 3600
        let description =
            candidate.trail.isS3Data
            ? "\(event.who(otherwise: "an anonymous caller")) called \(event.eventName) on \(event.bucketName ?? "an unknown bucket"), "
                + "an S3 API it had not used in its first \(hours) hours of activity."
            : "\(event.who()) called \(event.eventName) (\(event.eventSource)), an API it had not used in its first \(hours) hours of activity."
        for _ in 0..<min(candidate.count, 1_000) {
            context.report(RuleHit(type: candidate.type, description: description), on: event, candidate.trail)
        }
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

    /// Learns the call: the principal's first sighting and the API's first call; a call of a tactic's API becomes a
    /// candidate, judged when the rule closes.
    func learn(_ event: CloudTrailEvent, _ trail: CloudTrailContext, learning: Int64) {
        guard let principal = event.accessKeyId ?? event.principalId ?? event.identityArn, event.identityType != "AWSService" else { return }
        let s3Data = trail.isS3Data
        let api = APIBaselines.hash(s3Data: s3Data, source: event.eventSource, name: event.eventName)
        self.rememberAPIName(api, s3Data: s3Data, event)
        // Every call of a tactic's API is a candidate: an earlier record still to come may move the principal's first
        // sighting back and put this call past the learning period. The judgement waits for the rule to close.
        let type = s3Data ? Self.s3AnomalyType(event.eventName) : Self.tactic(event.eventSource, event.eventName)
        if self.state.principals[principal] == nil { self.state.principals[principal] = APIBaselines.Principal(firstSeen: event.eventTime) }
        // Updated in place: a copy of the principal's tables per event would cost their size each time.
        self.state.principals[principal]!.note(api, event, trail, type: type)
    }

    func rememberAPIName(_ hash: UInt64, s3Data: Bool, _ event: CloudTrailEvent) {
        if self.state.apiNames[hash] == nil {
            self.state.apiNames[hash] = s3Data ? "s3data:\(event.eventName)" : "\(event.eventSource):\(event.eventName)"
        }
    }

    func export(into learned: inout LearnedBaselines, names: NameTable) {
        for (principal, state) in self.state.principals {
            learned.principals[principal] = LearnedBaselines.Principal(
                firstSeen: state.firstSeen, apis: state.learned(self.learning).compactMap { self.state.apiNames[$0] }.sorted())
        }
    }

    func restore(_ learned: LearnedBaselines, names: NameTable) {
        for (principal, state) in learned.principals {
            var apis: [UInt64: Int64] = [:]
            for api in state.apis {
                // Stored as `SOURCE:NAME` or `s3data:NAME`: the hash is of exactly that text.
                guard let colon = api.firstIndex(of: ":") else { continue }
                let source = String(api[..<colon])
                let name = String(api[api.index(after: colon)...])
                let hash = APIBaselines.hash(s3Data: source == "s3data", source: source, name: name)
                apis[hash] = state.firstSeen
                self.state.apiNames[hash] = api
            }
            self.state.principals[principal] = APIBaselines.Principal(firstSeen: state.firstSeen, apis: apis)
        }
    }
}
