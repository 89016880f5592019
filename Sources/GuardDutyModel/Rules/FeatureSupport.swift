/// Which detector features this server analyses: the one table the API, the console and the agents' configuration
/// read. A feature not in it is reported DISABLED everywhere, and a request that switches it on is refused, so that
/// nothing (GetDetector, Prowler, the console) claims a protection no one provides. A new analysis is added here and
/// nowhere else (EKS_AUDIT_LOGS: Kubernetes audit logs of any cluster an agent reads, `--k8s-audit-logs`).
public enum FeatureSupport {
    /// The sources and features Guardpost analyses, as GuardDuty names them.
    public static let analysed: [String] = ["CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS"]

    /// Additional configurations (agent management of runtime monitoring) Guardpost provides: none.
    public static let analysedAdditional: [String] = []

    /// The additional configurations GuardDuty reports under each feature (botocore's documentation of
    /// `DetectorAdditionalConfigurationResult`): always listed, each DISABLED unless provided and switched on.
    public static let additionalConfigurations: [DetectorFeature: [FeatureAdditionalConfiguration]] = [
        .eksRuntimeMonitoring: [.eksAddonManagement],
        .runtimeMonitoring: [.eksAddonManagement, .ecsFargateAgentManagement, .ec2AgentManagement],
    ]

    public static func isProvided(_ name: String) -> Bool { Self.analysed.contains(name) }

    public static func isProvided(_ feature: DetectorFeature) -> Bool { Self.isProvided(feature.rawValue) }

    public static func isProvided(_ additional: FeatureAdditionalConfiguration) -> Bool {
        Self.analysedAdditional.contains(additional.rawValue)
    }

    /// The 400 a request gets for switching on what this server does not analyse.
    public static func notProvided(_ name: String) -> GuardDutyError {
        let list = Self.analysed.dropLast().joined(separator: ", ") + (Self.analysed.count > 1 ? " and " : "") + (Self.analysed.last ?? "")
        return GuardDutyError.badRequest(
            "The request is rejected because feature \(name) is not provided by this server; it analyses \(list). Set it DISABLED or leave it out."
        )
    }

    /// Refuses a detector or member-detector change that switches on a feature (or additional configuration) this
    /// server does not analyse, in `features` or the legacy `dataSources`. DISABLED is always accepted.
    public static func requireProvided(features: [DetectorFeatureConfiguration]?, dataSources: DataSourceConfigurations?) throws {
        if dataSources?.kubernetes?.auditLogs.enable == true { try Self.require(.eksAuditLogs) }
        if dataSources?.malwareProtection?.scanEc2InstanceWithFindings?.ebsVolumes == true { try Self.require(.ebsMalwareProtection) }
        for feature in features ?? [] {
            if let name = feature.name, feature.status == .enabled { try Self.require(name) }
            for additional in feature.additionalConfiguration ?? [] {
                if let name = additional.name, additional.status == .enabled, !Self.isProvided(name) { throw Self.notProvided(name.rawValue) }
            }
        }
    }

    /// Refuses organisation auto-enable (NEW or ALL) of a feature this server does not analyse; NONE is accepted.
    public static func requireProvided(organization request: UpdateOrganizationConfigurationRequest) throws {
        if request.dataSources?.kubernetes?.auditLogs.autoEnable == true { try Self.require(.eksAuditLogs) }
        if request.dataSources?.malwareProtection?.scanEc2InstanceWithFindings?.ebsVolumes?.autoEnable == true {
            try Self.require(.ebsMalwareProtection)
        }
        for feature in request.features ?? [] {
            if let name = feature.name, let value = feature.autoEnable, value != .none { try Self.require(name) }
            for additional in feature.additionalConfiguration ?? [] {
                if let name = additional.name, let value = additional.autoEnable, value != .none, !Self.isProvided(name) {
                    throw Self.notProvided(name.rawValue)
                }
            }
        }
    }

    private static func require(_ feature: DetectorFeature) throws {
        guard Self.isProvided(feature) else { throw Self.notProvided(feature.rawValue) }
    }
}
