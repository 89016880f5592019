import GuardDutyModel

/// Learned per-principal API use from CloudTrail (record time): during the first `baselineLearningSeconds` after a
/// principal (access key, else principal id) is first seen, the APIs it calls are learned; afterwards a call to an
/// API it never used that belongs to an attack tactic is `<Tactic>:IAMUser/AnomalousBehavior`, and for S3 data events
/// `Discovery|Exfiltration:S3/AnomalousBehavior` or `Impact:S3/AnomalousBehavior.Write|.Delete|.Permission`.
/// Like the flow baselines, what is learned depends on which records come first.
struct APIBaselines {
    struct Principal {
        var firstSeen: Int64
        /// Hashes of the APIs called while learning (see `apiNames`): judging a call allocates nothing.
        var apis: Set<UInt64> = []
    }
    var principals: [String: Principal] = [:]
    /// The API behind each hash, for `learnedBaselines()`.
    var apiNames: [UInt64: String] = [:]

    /// FNV-1a of `[s3data:]SOURCE:NAME`.
    static func hash(s3Data: Bool, source: String, name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) { for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 } }
        mix(s3Data ? "s3data" : source)
        mix(":")
        mix(name)
        return hash
    }
}

extension DetectionEngine {
    /// The tactic an IAM-relevant management API serves, as GuardDuty's AnomalousBehavior types name them.
    static func tactic(_ source: String, _ name: String) -> String? {
        switch name {
        case "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "DeleteFlowLogs", "DeleteDetector", "DisassociateFromMasterAccount",
             "DeleteResolverQueryLogConfig", "DeleteConfigRule", "StopConfigurationRecorder", "DeleteLogGroup", "LeaveOrganization":
            return "DefenseEvasion"
        case "CreateAccessKey", "CreateUser", "CreateLoginProfile", "UpdateLoginProfile", "ImportKeyPair", "CreateKeyPair", "AuthorizeSecurityGroupIngress",
             "CreateFunction20150331", "AddPermission20150331v2", "UpdateFunctionCode20150331v2", "CreateTrustAnchor", "SendSSHPublicKey":
            return "Persistence"
        case "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy", "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy", "AddUserToGroup",
             "UpdateAssumeRolePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "PassRole":
            return "PrivilegeEscalation"
        case "GetSecretValue", "BatchGetSecretValue", "GetPasswordData", "GetParameters", "GetParameter", "GetFederationToken", "GetSessionToken",
             "GetAuthorizationToken", "CreateLoginProfileToken":
            return "CredentialAccess"
        case "ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute", "PutBucketReplication", "CreateSnapshot", "CopySnapshot":
            return "Exfiltration"
        case "DeleteBucket", "TerminateInstances", "DeleteDBInstance", "DeleteDBCluster", "DeleteVolume", "DeleteSnapshot", "PutBucketLifecycle",
             "DeleteBucketEncryption", "ScheduleKeyDeletion", "DisableKey", "RunInstances":
            return "Impact"
        case "ConsoleLogin", "GetSigninToken":
            return source == "signin.amazonaws.com" ? "InitialAccess" : nil
        default:
            if name.hasPrefix("List") || name.hasPrefix("Describe") || name.hasPrefix("GetBucket") || name == "GetCallerIdentity" || name.hasPrefix("GetAccount") {
                return "Discovery"
            }
            return nil
        }
    }

    /// The S3 AnomalousBehavior type of an object-level API.
    static func s3AnomalyType(_ name: String) -> String {
        if name.hasSuffix("Acl") && name.hasPrefix("Put") || name == "PutObjectRetention" || name == "PutObjectLegalHold" { return "Impact:S3/AnomalousBehavior.Permission" }
        if name.hasPrefix("Delete") { return "Impact:S3/AnomalousBehavior.Delete" }
        if ["PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "RestoreObject", "PutObjectTagging"].contains(name) {
            return "Impact:S3/AnomalousBehavior.Write"
        }
        if ["GetObject", "SelectObjectContent", "GetObjectTorrent"].contains(name) { return "Exfiltration:S3/AnomalousBehavior" }
        return "Discovery:S3/AnomalousBehavior"
    }

    /// Learns the call, or returns the AnomalousBehavior type it is (nil when learned, learning, or not a tactic).
    func anomalousBehavior(_ event: CloudTrailEvent, s3Data: Bool) -> String? {
        guard let principal = event.accessKeyId ?? event.principalId ?? event.identityArn, event.identityType != "AWSService" else { return nil }
        let api = APIBaselines.hash(s3Data: s3Data, source: event.eventSource, name: event.eventName)
        guard let index = self.apiBaselines.principals.index(forKey: principal) else {
            self.apiBaselines.principals[principal] = APIBaselines.Principal(firstSeen: event.eventTime, apis: [api])
            self.rememberAPIName(api, s3Data: s3Data, event)
            return nil
        }
        if event.eventTime < self.apiBaselines.principals.values[index].firstSeen { self.apiBaselines.principals.values[index].firstSeen = event.eventTime }
        if event.eventTime < self.apiBaselines.principals.values[index].firstSeen + self.thresholds.baselineLearningSeconds {
            if self.apiBaselines.principals.values[index].apis.insert(api).inserted { self.rememberAPIName(api, s3Data: s3Data, event) }
            return nil
        }
        guard !self.apiBaselines.principals.values[index].apis.contains(api) else { return nil }
        if s3Data { return Self.s3AnomalyType(event.eventName) }
        return Self.tactic(event.eventSource, event.eventName).map { "\($0):IAMUser/AnomalousBehavior" }
    }

    func rememberAPIName(_ hash: UInt64, s3Data: Bool, _ event: CloudTrailEvent) {
        if self.apiBaselines.apiNames[hash] == nil { self.apiBaselines.apiNames[hash] = s3Data ? "s3data:\(event.eventName)" : "\(event.eventSource):\(event.eventName)" }
    }
}

/// What the engine has learned (flow and API baselines), in a form that outlives the process: flow baselines are
/// keyed by instance (or interface, prefixed `eni:`) name rather than by this process's interned ids.
public struct LearnedBaselines: Codable, Sendable, Equatable {
    public struct Instance: Codable, Sendable, Equatable {
        public var firstSeen: Int64
        public var ports: [Int]
        public var learnedBytes: Int
        public var learnedWindows: [Int64]
    }
    public struct Principal: Codable, Sendable, Equatable {
        public var firstSeen: Int64
        public var apis: [String]
    }
    public var instances: [String: Instance]
    public var principals: [String: Principal]
}

extension DetectionEngine {
    /// The baselines learned so far (an agent keeps them in its checkpoint).
    public func learnedBaselines() -> LearnedBaselines {
        self.drainFlows()
        var instances: [String: LearnedBaselines.Instance] = [:]
        for (id, instance) in self.baselines.instances.enumerated() where instance.seen {
            guard let name = self.names.name(id) else { continue }
            instances[instance.viaInterface ? "eni:\(name)" : name] = .init(
                firstSeen: instance.firstSeen, ports: instance.ports.sorted(), learnedBytes: instance.learnedBytes,
                learnedWindows: instance.learnedWindows.sorted()
            )
        }
        let principals = self.apiBaselines.principals.mapValues { principal in
            LearnedBaselines.Principal(firstSeen: principal.firstSeen, apis: principal.apis.compactMap { self.apiBaselines.apiNames[$0] }.sorted())
        }
        return LearnedBaselines(instances: instances, principals: principals)
    }

    /// Takes back baselines learned by an earlier run, so that a restart does not learn again from scratch.
    public func restore(_ learned: LearnedBaselines) {
        for (name, instance) in learned.instances {
            let viaInterface = name.hasPrefix("eni:")
            let id = self.names.intern(Array((viaInterface ? name.dropFirst(4) : Substring(name)).utf8))
            guard id > 0 else { continue }
            self.baselines.reserve(id)
            self.baselines.instances[id].seen = true
            self.baselines.instances[id].viaInterface = viaInterface
            self.baselines.instances[id].firstSeen = instance.firstSeen
            self.baselines.instances[id].ports = PortSet(instance.ports)
            self.baselines.instances[id].learnedBytes = instance.learnedBytes
            self.baselines.instances[id].learnedWindows = Set(instance.learnedWindows)
        }
        for (principal, state) in learned.principals {
            var hashes: Set<UInt64> = []
            for api in state.apis {
                // Stored as `SOURCE:NAME` or `s3data:NAME`: the hash is of exactly that text.
                guard let colon = api.firstIndex(of: ":") else { continue }
                let source = String(api[..<colon]), name = String(api[api.index(after: colon)...])
                let hash = APIBaselines.hash(s3Data: source == "s3data", source: source, name: name)
                hashes.insert(hash)
                self.apiBaselines.apiNames[hash] = api
            }
            self.apiBaselines.principals[principal] = APIBaselines.Principal(firstSeen: state.firstSeen, apis: hashes)
        }
    }
}
