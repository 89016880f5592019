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

    /// The status the detector runs with: DISABLED for what this server does not analyse (`FeatureSupport`),
    /// whatever an older row says.
    public func status(of feature: DetectorFeature) -> FeatureStatus {
        FeatureSupport.isProvided(feature) ? self.features[feature.rawValue]?.status ?? .disabled : .disabled
    }

    /// The status of one additional configuration of a feature, DISABLED unless provided and switched on.
    public func status(of additional: FeatureAdditionalConfiguration, in feature: DetectorFeature) -> FeatureStatus {
        guard FeatureSupport.isProvided(feature), FeatureSupport.isProvided(additional) else { return .disabled }
        return self.features[feature.rawValue]?.additional[additional.rawValue]?.status ?? .disabled
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
            let updatedAt = state?.updatedAt ?? foundationalUpdatedAt
            let additional = self.additionalNames(of: feature).map { name in
                let stored = state?.additional[name.rawValue]
                return DetectorAdditionalConfigurationResult(
                    name: name.rawValue, status: self.status(of: name, in: feature), updatedAt: stored?.updatedAt ?? updatedAt
                )
            }
            results.append(
                .init(
                    name: feature.rawValue,
                    status: self.status(of: feature),
                    updatedAt: updatedAt,
                    additionalConfiguration: additional.isEmpty ? nil : additional
                ))
        }
        return results
    }

    /// The additional configurations reported under a feature: GuardDuty's for it, and any a row holds.
    func additionalNames(of feature: DetectorFeature) -> [FeatureAdditionalConfiguration] {
        let stored = (self.features[feature.rawValue]?.additional.keys).map { $0.compactMap(FeatureAdditionalConfiguration.init(rawValue:)) }
        let known = FeatureSupport.additionalConfigurations[feature] ?? []
        return known + (stored ?? []).filter { !known.contains($0) }.sorted { $0.rawValue < $1.rawValue }
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
