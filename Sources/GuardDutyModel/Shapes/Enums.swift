/// A string enum of the API: decoding an unknown value fails with a message listing the allowed ones.
public protocol APIEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension APIEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(raw)' is not one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }

    /// Parses a raw value, failing with a 400 that names the field and the allowed values.
    public static func parse(_ raw: String, field: String) throws -> Self {
        guard let value = Self(rawValue: raw) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because \(field) '\(raw)' is not one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        return value
    }
}

/// How often updates of existing findings are exported (`FindingPublishingFrequency`).
public enum FindingPublishingFrequency: String, APIEnum {
    case fifteenMinutes = "FIFTEEN_MINUTES"
    case oneHour = "ONE_HOUR"
    case sixHours = "SIX_HOURS"
}

/// `DetectorStatus` / `FeatureStatus` / `DataSourceStatus`: the same two values.
public enum FeatureStatus: String, APIEnum {
    case enabled = "ENABLED"
    case disabled = "DISABLED"
}

/// Features a caller may configure (`DetectorFeature` / `OrgFeature`).
public enum DetectorFeature: String, APIEnum, Comparable {
    case s3DataEvents = "S3_DATA_EVENTS"
    case eksAuditLogs = "EKS_AUDIT_LOGS"
    case ebsMalwareProtection = "EBS_MALWARE_PROTECTION"
    case rdsLoginEvents = "RDS_LOGIN_EVENTS"
    case lambdaNetworkLogs = "LAMBDA_NETWORK_LOGS"
    case eksRuntimeMonitoring = "EKS_RUNTIME_MONITORING"
    case runtimeMonitoring = "RUNTIME_MONITORING"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Features as GetDetector reports them (`DetectorFeatureResult`): the foundational sources too.
public enum DetectorFeatureResultName: String, APIEnum {
    case flowLogs = "FLOW_LOGS"
    case cloudTrail = "CLOUD_TRAIL"
    case dnsLogs = "DNS_LOGS"
    case s3DataEvents = "S3_DATA_EVENTS"
    case eksAuditLogs = "EKS_AUDIT_LOGS"
    case ebsMalwareProtection = "EBS_MALWARE_PROTECTION"
    case rdsLoginEvents = "RDS_LOGIN_EVENTS"
    case lambdaNetworkLogs = "LAMBDA_NETWORK_LOGS"
    case eksRuntimeMonitoring = "EKS_RUNTIME_MONITORING"
    case runtimeMonitoring = "RUNTIME_MONITORING"
}

/// `FeatureAdditionalConfiguration` / `OrgFeatureAdditionalConfiguration`.
public enum FeatureAdditionalConfiguration: String, APIEnum {
    case eksAddonManagement = "EKS_ADDON_MANAGEMENT"
    case ecsFargateAgentManagement = "ECS_FARGATE_AGENT_MANAGEMENT"
    case ec2AgentManagement = "EC2_AGENT_MANAGEMENT"
}

/// `AutoEnableMembers` and `OrgFeatureStatus`: which organisation accounts get a setting automatically.
public enum AutoEnable: String, APIEnum {
    case new = "NEW"
    case all = "ALL"
    case none = "NONE"
}

/// `AdminStatus` of a delegated administrator.
public enum AdminStatus: String, APIEnum {
    case enabled = "ENABLED"
    case disableInProgress = "DISABLE_IN_PROGRESS"
}

/// The relationship between an administrator and a member, as GuardDuty writes it on the wire (CamelCase).
public enum RelationshipStatus: String, APIEnum {
    case created = "Created"
    case invited = "Invited"
    case enabled = "Enabled"
    case disabled = "Disabled"
    case removed = "Removed"
    case resigned = "Resigned"
    case emailVerificationInProgress = "EmailVerificationInProgress"
    case emailVerificationFailed = "EmailVerificationFailed"

    /// Enabled and Disabled members are associated: the administrator's settings apply to them.
    public var isAssociated: Bool { self == .enabled || self == .disabled }
}
