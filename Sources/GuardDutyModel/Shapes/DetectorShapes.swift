/// `DataSourceConfigurations` (deprecated in favour of `features`, still accepted).
public struct DataSourceConfigurations: Codable, Sendable {
    public var s3Logs: S3LogsConfiguration?
    public var kubernetes: KubernetesConfiguration?
    public var malwareProtection: MalwareProtectionConfiguration?

    public struct S3LogsConfiguration: Codable, Sendable { public var enable: Bool }
    public struct KubernetesConfiguration: Codable, Sendable {
        public var auditLogs: AuditLogs
        public struct AuditLogs: Codable, Sendable { public var enable: Bool }
    }
    public struct MalwareProtectionConfiguration: Codable, Sendable {
        public var scanEc2InstanceWithFindings: ScanEc2InstanceWithFindings?
        public struct ScanEc2InstanceWithFindings: Codable, Sendable { public var ebsVolumes: Bool? }
    }
}

/// `DetectorFeatureConfiguration` and `MemberFeaturesConfiguration` (same members).
public struct DetectorFeatureConfiguration: Codable, Sendable {
    public var name: DetectorFeature?
    public var status: FeatureStatus?
    public var additionalConfiguration: [AdditionalConfiguration]?

    public struct AdditionalConfiguration: Codable, Sendable {
        public var name: FeatureAdditionalConfiguration?
        public var status: FeatureStatus?
    }

    public init(name: DetectorFeature?, status: FeatureStatus?, additionalConfiguration: [AdditionalConfiguration]? = nil) {
        self.name = name
        self.status = status
        self.additionalConfiguration = additionalConfiguration
    }
}

/// `CreateDetectorRequest`.
public struct CreateDetectorRequest: Codable, Sendable {
    public var enable: Bool
    public var clientToken: String?
    public var findingPublishingFrequency: FindingPublishingFrequency?
    public var dataSources: DataSourceConfigurations?
    public var tags: [String: String]?
    public var features: [DetectorFeatureConfiguration]?
}

public struct CreateDetectorResponse: Codable, Sendable {
    public var detectorId: String
    public init(detectorId: String) { self.detectorId = detectorId }
}

/// `UpdateDetectorRequest` (the detector id is in the path).
public struct UpdateDetectorRequest: Codable, Sendable {
    public var enable: Bool?
    public var findingPublishingFrequency: FindingPublishingFrequency?
    public var dataSources: DataSourceConfigurations?
    public var features: [DetectorFeatureConfiguration]?
}

/// `DataSourceConfigurationsResult`.
public struct DataSourceConfigurationsResult: Codable, Sendable, Equatable {
    public var cloudTrail: DataSourceStatusResult
    public var dnsLogs: DataSourceStatusResult
    public var flowLogs: DataSourceStatusResult
    public var s3Logs: DataSourceStatusResult
    public var kubernetes: KubernetesResult
    public var malwareProtection: MalwareProtectionResult

    public struct KubernetesResult: Codable, Sendable, Equatable { public var auditLogs: DataSourceStatusResult }
    public struct MalwareProtectionResult: Codable, Sendable, Equatable {
        public var scanEc2InstanceWithFindings: ScanResult
        public var serviceRole: String
        public struct ScanResult: Codable, Sendable, Equatable { public var ebsVolumes: EbsVolumesResult }
        public struct EbsVolumesResult: Codable, Sendable, Equatable {
            public var status: FeatureStatus
            public var reason: String?
        }
    }
}

public struct DataSourceStatusResult: Codable, Sendable, Equatable {
    public var status: FeatureStatus
    public init(status: FeatureStatus) { self.status = status }
}

/// `DetectorFeatureConfigurationResult` (name is a `DetectorFeatureResult`: foundational sources included).
public struct DetectorFeatureConfigurationResult: Codable, Sendable, Equatable {
    public var name: String
    public var status: FeatureStatus
    public var updatedAt: Double
    public var additionalConfiguration: [DetectorAdditionalConfigurationResult]?
}

public struct DetectorAdditionalConfigurationResult: Codable, Sendable, Equatable {
    public var name: String
    public var status: FeatureStatus
    public var updatedAt: Double
}

/// `GetDetectorResponse`.
public struct GetDetectorResponse: Codable, Sendable {
    public var createdAt: String
    public var findingPublishingFrequency: FindingPublishingFrequency
    public var serviceRole: String
    public var status: FeatureStatus
    public var updatedAt: String
    public var dataSources: DataSourceConfigurationsResult
    public var tags: [String: String]
    public var features: [DetectorFeatureConfigurationResult]

    public init(
        createdAt: String, findingPublishingFrequency: FindingPublishingFrequency, serviceRole: String,
        status: FeatureStatus, updatedAt: String, dataSources: DataSourceConfigurationsResult,
        tags: [String: String], features: [DetectorFeatureConfigurationResult]
    ) {
        self.createdAt = createdAt
        self.findingPublishingFrequency = findingPublishingFrequency
        self.serviceRole = serviceRole
        self.status = status
        self.updatedAt = updatedAt
        self.dataSources = dataSources
        self.tags = tags
        self.features = features
    }
}

public struct ListDetectorsResponse: Codable, Sendable {
    public var detectorIds: [String]
    public var nextToken: String?
    public init(detectorIds: [String], nextToken: String?) {
        self.detectorIds = detectorIds
        self.nextToken = nextToken
    }
}
