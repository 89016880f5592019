import Foundation
import GuardDutyModel
import Testing

/// Input validation answers 400 with a message naming the field and what is allowed.
@Suite("Validation")
struct ValidationTests {
    @Test func accountIdsMustBeOneToFiftyDistinctTwelveDigitIds() throws {
        try Validate.accountIds(["123456789012"])
        for bad in [[], ["12345678901"], ["12345678901a"], ["123456789012", "123456789012"], (0..<51).map { String(100_000_000_000 + $0) }] {
            #expect(throws: GuardDutyError.self) { try Validate.accountIds(bad) }
        }
    }

    @Test func maxResultsDefaultsAndBounds() throws {
        #expect(try Validate.maxResults(nil) == 50)
        #expect(try Validate.maxResults("1") == 1)
        let error = #expect(throws: GuardDutyError.self) { try Validate.maxResults("51") }
        #expect(error?.message.contains("1 to 50") == true)
        #expect(error?.code == "BadRequestException")
        #expect(throws: GuardDutyError.self) { try Validate.maxResults("ten") }
    }

    @Test func tagsRefuseReservedAndOversizedKeys() throws {
        try Validate.tags(["team": "security"])
        #expect(throws: GuardDutyError.self) { try Validate.tags(["aws:x": "y"]) }
        #expect(throws: GuardDutyError.self) { try Validate.tags([String(repeating: "k", count: 129): "y"]) }
        #expect(throws: GuardDutyError.self) { try Validate.tags([:]) }
    }

    @Test func unknownEnumValuesListTheAllowedOnes() throws {
        let data = Data(#"{"findingPublishingFrequency": "WEEKLY"}"#.utf8)
        do {
            _ = try JSONDecoder().decode(UpdateDetectorRequest.self, from: data)
            Issue.record("WEEKLY was accepted")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.contains("FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS"))
        }
    }

    @Test func runtimeMonitoringFeaturesAreExclusive() {
        #expect(throws: GuardDutyError.self) {
            try FeatureRules.validate([.init(name: .runtimeMonitoring, status: .enabled), .init(name: .eksRuntimeMonitoring, status: .enabled)])
        }
        #expect(throws: GuardDutyError.self) {
            try FeatureRules.validate([.init(name: .s3DataEvents, status: .enabled), .init(name: .s3DataEvents, status: .disabled)])
        }
    }
}

/// Feature settings: the legacy dataSources and features[] land in one place, and members run with their administrator's.
@Suite("Feature settings")
struct FeatureSettingsTests {
    @Test func legacyDataSourcesAndFeaturesAreTheSameSettings() throws {
        var settings = FeatureSettings()
        let sources = try JSONDecoder().decode(DataSourceConfigurations.self, from: Data(#"{"s3Logs":{"enable":true}}"#.utf8))
        settings.apply(features: nil, dataSources: sources, now: 100)
        #expect(settings.status(of: .s3DataEvents) == .enabled)
        #expect(settings.dataSourcesResult(serviceRole: "r").s3Logs.status == .enabled)
        settings.apply(features: [.init(name: .s3DataEvents, status: .disabled)], dataSources: nil, now: 200)
        #expect(settings.dataSourcesResult(serviceRole: "r").s3Logs.status == .disabled)
        let reported = settings.detectorFeatureResults(foundationalUpdatedAt: 1)
        #expect(reported.first { $0.name == "S3_DATA_EVENTS" }?.updatedAt == 200)
        #expect(reported.first { $0.name == "CLOUD_TRAIL" }?.status == .enabled)
    }

    @Test func anOlderRowSayingEnabledForAnUnprovidedFeatureIsReportedDisabled() {
        var settings = FeatureSettings()
        settings.set(.s3DataEvents, .enabled, now: 1)
        settings.set(.ebsMalwareProtection, .enabled, now: 1)
        #expect(settings.status(of: .s3DataEvents) == .enabled)
        #expect(settings.status(of: .ebsMalwareProtection) == .disabled)
        #expect(settings.dataSourcesResult(serviceRole: "r").malwareProtection.scanEc2InstanceWithFindings.ebsVolumes.status == .disabled)
    }
}
