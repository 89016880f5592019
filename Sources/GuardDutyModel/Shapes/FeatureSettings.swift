/// The state of one configurable feature of a detector, with its additional configurations.
public struct FeatureState: Codable, Sendable, Equatable {
    public var status: FeatureStatus
    /// Seconds since 1970, as GuardDuty's `updatedAt` timestamps of features.
    public var updatedAt: Double
    public var additional: [String: AdditionalState]

    /// The state of one additional configuration (EKS add-on management, …).
    public struct AdditionalState: Codable, Sendable, Equatable {
        public var status: FeatureStatus
        public var updatedAt: Double
        public init(status: FeatureStatus, updatedAt: Double) {
            self.status = status
            self.updatedAt = updatedAt
        }
    }

    public init(status: FeatureStatus, updatedAt: Double, additional: [String: AdditionalState] = [:]) {
        self.status = status
        self.updatedAt = updatedAt
        self.additional = additional
    }
}

/// The configurable features of a detector (keyed by `DetectorFeature` raw value); what is not listed is DISABLED.
/// The foundational sources (CloudTrail, VPC Flow Logs, DNS logs) are always on and not stored.
public struct FeatureSettings: Codable, Sendable, Equatable {
    public var features: [String: FeatureState]

    public init(features: [String: FeatureState] = [:]) {
        self.features = features
    }

    public func status(of feature: DetectorFeature) -> FeatureStatus {
        self.features[feature.rawValue]?.status ?? .disabled
    }

    /// Applies `DetectorFeatureConfiguration`s (and the legacy `dataSources`) at time `now`.
    public mutating func apply(
        features: [DetectorFeatureConfiguration]?,
        dataSources: DataSourceConfigurations?,
        now: Double
    ) {
        if let dataSources {
            if let s3 = dataSources.s3Logs { self.set(.s3DataEvents, s3.enable ? .enabled : .disabled, now: now) }
            if let k8s = dataSources.kubernetes {
                self.set(.eksAuditLogs, k8s.auditLogs.enable ? .enabled : .disabled, now: now)
            }
            if let ebs = dataSources.malwareProtection?.scanEc2InstanceWithFindings?.ebsVolumes {
                self.set(.ebsMalwareProtection, ebs ? .enabled : .disabled, now: now)
            }
        }
        for configuration in features ?? [] {
            guard let name = configuration.name else { continue }
            if let status = configuration.status { self.set(name, status, now: now) }
            for additional in configuration.additionalConfiguration ?? [] {
                guard let additionalName = additional.name, let status = additional.status else { continue }
                var state = self.features[name.rawValue] ?? FeatureState(status: .disabled, updatedAt: now)
                if state.additional[additionalName.rawValue]?.status != status {
                    state.additional[additionalName.rawValue] = .init(status: status, updatedAt: now)
                }
                self.features[name.rawValue] = state
            }
        }
    }

    public mutating func set(_ feature: DetectorFeature, _ status: FeatureStatus, now: Double) {
        var state = self.features[feature.rawValue] ?? FeatureState(status: .disabled, updatedAt: now)
        if state.status != status || self.features[feature.rawValue] == nil {
            state.status = status
            state.updatedAt = now
        }
        self.features[feature.rawValue] = state
    }

    /// The features as `GetDetector` reports them: the foundational sources first, then every configurable feature.
    public func detectorFeatureResults(foundationalUpdatedAt: Double) -> [DetectorFeatureConfigurationResult] {
        var results: [DetectorFeatureConfigurationResult] = [
            .init(name: "CLOUD_TRAIL", status: .enabled, updatedAt: foundationalUpdatedAt, additionalConfiguration: nil),
            .init(name: "DNS_LOGS", status: .enabled, updatedAt: foundationalUpdatedAt, additionalConfiguration: nil),
            .init(name: "FLOW_LOGS", status: .enabled, updatedAt: foundationalUpdatedAt, additionalConfiguration: nil),
        ]
        for feature in DetectorFeature.allCases {
            let state = self.features[feature.rawValue]
            let additional = state.map { state in
                state.additional.sorted { $0.key < $1.key }.map {
                    DetectorAdditionalConfigurationResult(name: $0.key, status: $0.value.status, updatedAt: $0.value.updatedAt)
                }
            }
            results.append(
                .init(
                    name: feature.rawValue,
                    status: state?.status ?? .disabled,
                    updatedAt: state?.updatedAt ?? foundationalUpdatedAt,
                    additionalConfiguration: additional?.isEmpty == false ? additional : nil
                ))
        }
        return results
    }

    /// The legacy `dataSources` view of these features.
    public func dataSourcesResult(serviceRole: String) -> DataSourceConfigurationsResult {
        let enabled = DataSourceStatusResult(status: .enabled)
        return DataSourceConfigurationsResult(
            cloudTrail: enabled,
            dnsLogs: enabled,
            flowLogs: enabled,
            s3Logs: .init(status: self.status(of: .s3DataEvents)),
            kubernetes: .init(auditLogs: .init(status: self.status(of: .eksAuditLogs))),
            malwareProtection: .init(
                scanEc2InstanceWithFindings: .init(ebsVolumes: .init(status: self.status(of: .ebsMalwareProtection), reason: nil)),
                serviceRole: serviceRole
            )
        )
    }
}
