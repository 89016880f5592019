import Foundation
import GuardDutyModel
import Testing

/// What this server analyses is reported as it is: other features are DISABLED everywhere and switching one on is a
/// 400 naming it; DISABLED is always accepted.
@Suite("Feature support")
struct FeatureSupportTests {
    static let unprovided: [DetectorFeature] = DetectorFeature.allCases.filter { $0 != .s3DataEvents && $0 != .eksAuditLogs }

    static func detectorRequest(_ json: String) throws -> UpdateDetectorRequest {
        try JSONDecoder().decode(UpdateDetectorRequest.self, from: Data(json.utf8))
    }

    static func organizationRequest(_ json: String) throws -> UpdateOrganizationConfigurationRequest {
        try JSONDecoder().decode(UpdateOrganizationConfigurationRequest.self, from: Data(json.utf8))
    }

    @Test func theTableListsTheFoundationalSourcesS3DataEventsAndEKSAuditLogsOnly() {
        #expect(FeatureSupport.analysed == ["CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS"])
        #expect(DetectorFeature.allCases.filter(FeatureSupport.isProvided) == [.s3DataEvents, .eksAuditLogs])
        #expect(FeatureAdditionalConfiguration.allCases.filter(FeatureSupport.isProvided).isEmpty)
    }

    @Test func getDetectorReportsEveryUnprovidedFeatureAndAdditionalConfigurationDisabled() throws {
        // As an older row may hold them: every feature and an additional configuration ENABLED.
        var settings = FeatureSettings()
        for feature in DetectorFeature.allCases { settings.set(feature, .enabled, now: 1) }
        let older = try Self.detectorRequest(
            #"{"features": [{"name": "RUNTIME_MONITORING", "status": "ENABLED", "#
                + #""additionalConfiguration": [{"name": "EC2_AGENT_MANAGEMENT", "status": "ENABLED"}]}]}"#
        )
        settings.apply(features: older.features, dataSources: nil, now: 2)
        let reported = Dictionary(uniqueKeysWithValues: settings.detectorFeatureResults(foundationalUpdatedAt: 0).map { ($0.name, $0) })
        #expect(reported["S3_DATA_EVENTS"]?.status == .enabled)
        #expect(reported["EKS_AUDIT_LOGS"]?.status == .enabled)
        for name in ["CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS"] { #expect(reported[name]?.status == .enabled) }
        for feature in Self.unprovided { #expect(reported[feature.rawValue]?.status == .disabled, "\(feature)") }
        let runtime = reported["RUNTIME_MONITORING"]?.additionalConfiguration ?? []
        #expect(runtime.map(\.name) == ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"])
        #expect(runtime.allSatisfy { $0.status == .disabled })
        #expect(reported["EKS_RUNTIME_MONITORING"]?.additionalConfiguration?.map(\.name) == ["EKS_ADDON_MANAGEMENT"])
        let legacy = settings.dataSourcesResult(serviceRole: "r")
        #expect(legacy.s3Logs.status == .enabled)
        #expect(legacy.kubernetes.auditLogs.status == .enabled)
        #expect(legacy.malwareProtection.scanEc2InstanceWithFindings.ebsVolumes.status == .disabled)
    }

    @Test func enablingAnUnprovidedFeatureIsABadRequestNamingIt() {
        for feature in Self.unprovided {
            let error = #expect(throws: GuardDutyError.self) {
                try FeatureSupport.requireProvided(features: [.init(name: feature, status: .enabled)], dataSources: nil)
            }
            #expect(error?.status == 400)
            #expect(error?.code == "BadRequestException")
            #expect(error?.message.contains("feature \(feature.rawValue) is not provided by this server") == true)
            #expect(error?.message.contains("CLOUD_TRAIL, DNS_LOGS, FLOW_LOGS, S3_DATA_EVENTS and EKS_AUDIT_LOGS") == true)
        }
    }

    @Test func disablingAnyFeatureAndEnablingS3DataEventsOrEKSAuditLogsAreAccepted() throws {
        try FeatureSupport.requireProvided(features: DetectorFeature.allCases.map { .init(name: $0, status: .disabled) }, dataSources: nil)
        try FeatureSupport.requireProvided(features: [.init(name: .s3DataEvents, status: .enabled)], dataSources: nil)
        try FeatureSupport.requireProvided(features: [.init(name: .eksAuditLogs, status: .enabled)], dataSources: nil)
        let kubernetes = try Self.detectorRequest(#"{"dataSources": {"s3Logs": {"enable": true}, "kubernetes": {"auditLogs": {"enable": true}}}}"#)
        try FeatureSupport.requireProvided(features: kubernetes.features, dataSources: kubernetes.dataSources)
        let legacy = try Self.detectorRequest(
            #"{"dataSources": {"s3Logs": {"enable": true}, "kubernetes": {"auditLogs": {"enable": false}}, "#
                + #""malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": false}}}}"#
        )
        try FeatureSupport.requireProvided(features: legacy.features, dataSources: legacy.dataSources)
    }

    @Test func theLegacyDataSourcesAndAdditionalConfigurationsAreRefusedToo() throws {
        let ebs = try Self.detectorRequest(#"{"dataSources": {"malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": true}}}}"#)
        let addon = try Self.detectorRequest(
            #"{"features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED", "#
                + #""additionalConfiguration": [{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}]}]}"#
        )
        for (request, name) in [(ebs, "EBS_MALWARE_PROTECTION"), (addon, "EKS_ADDON_MANAGEMENT")] {
            let error = #expect(throws: GuardDutyError.self) {
                try FeatureSupport.requireProvided(features: request.features, dataSources: request.dataSources)
            }
            #expect(error?.message.contains("feature \(name) is not provided") == true)
        }
    }

    @Test func organisationAutoEnableOfAnUnprovidedFeatureIsRefusedButNoneIsAccepted() throws {
        for value in ["NEW", "ALL"] {
            let request = try Self.organizationRequest(
                #"{"autoEnableOrganizationMembers": "NEW", "features": [{"name": "RUNTIME_MONITORING", "autoEnable": "\#(value)"}]}"#
            )
            let error = #expect(throws: GuardDutyError.self) { try OrganizationRules.requestedAutoEnable(request) }
            #expect(error?.message.contains("RUNTIME_MONITORING is not provided") == true)
        }
        let legacy = try Self.organizationRequest(
            #"{"autoEnable": true, "dataSources": {"malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": {"autoEnable": true}}}}}"#)
        #expect(throws: GuardDutyError.self) { try OrganizationRules.requestedAutoEnable(legacy) }
        let kubernetes = try Self.organizationRequest(#"{"autoEnable": true, "dataSources": {"kubernetes": {"auditLogs": {"autoEnable": true}}}}"#)
        #expect(try OrganizationRules.requestedAutoEnable(kubernetes) == .new)
        let none = try Self.organizationRequest(
            #"{"autoEnableOrganizationMembers": "ALL", "features": [{"name": "S3_DATA_EVENTS", "autoEnable": "ALL"}, "#
                + #"{"name": "RDS_LOGIN_EVENTS", "autoEnable": "NONE"}, {"name": "RUNTIME_MONITORING", "autoEnable": "NONE", "#
                + #""additionalConfiguration": [{"name": "EC2_AGENT_MANAGEMENT", "autoEnable": "NONE"}]}]}"#
        )
        #expect(try OrganizationRules.requestedAutoEnable(none) == .all)
    }

    @Test func describeOrganizationConfigurationReportsUnprovidedAutoEnableAsNone() {
        let stored = OrganizationSettings(
            autoEnableOrganizationMembers: .new,
            features: ["S3_DATA_EVENTS": .all, "EKS_AUDIT_LOGS": .new, "RDS_LOGIN_EVENTS": .new, "RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT": .all]
        )
        let described = DescribeOrganizationConfigurationResponse(settings: stored, memberAccountLimitReached: false)
        let byName = Dictionary(uniqueKeysWithValues: described.features.map { ($0.name, $0) })
        #expect(byName["S3_DATA_EVENTS"]?.autoEnable == .all)
        #expect(byName["EKS_AUDIT_LOGS"]?.autoEnable == .new)
        #expect(byName["RDS_LOGIN_EVENTS"]?.autoEnable == AutoEnable.none)
        #expect(described.dataSources.kubernetes.auditLogs.autoEnable == true)
        #expect(described.dataSources.s3Logs.autoEnable == true)
        #expect(byName["RUNTIME_MONITORING"]?.additionalConfiguration?.allSatisfy { $0.autoEnable == AutoEnable.none } == true)
        #expect(byName["RUNTIME_MONITORING"]?.additionalConfiguration?.count == 3)
    }
}
