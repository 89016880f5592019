import AdminServer
import Foundation
import GuardDutyModel
import PostgresNIO
import Testing

/// Migration 0012 on rows written before it: per-member settings move onto the member's own detector, and what this
/// server does not analyse is switched off.
@Suite("Feature migration")
struct FeatureMigrationTests {
    static func features(_ client: PostgresClient, _ detectorId: String) async throws -> FeatureSettings {
        for try await (text) in try await client.query("SELECT features::text FROM detectors WHERE detector_id = \(detectorId)").decode(String.self) {
            return try JSONDecoder().decode(FeatureSettings.self, from: Data(text.utf8))
        }
        throw TestFailure(message: "no detector \(detectorId)")
    }

    @Test func memberSettingsMoveToTheMembersDetectorAndUnprovidedFeaturesAreDisabled() async throws {
        try await TestDatabase.withDatabase(migrate: false) { client, _ in
            let before = Migration.embedded.filter { $0.version < 12 }
            _ = try await Migrator(migrations: before, logger: TestDatabase.logger).migrate(client: client)
            let enabled = #"{"status": "ENABLED", "updatedAt": 1, "additional": {}}"#
            let addon = #"{"status": "ENABLED", "updatedAt": 1, "additional": {"EKS_ADDON_MANAGEMENT": {"status": "ENABLED", "updatedAt": 1}}}"#
            let admin = #"{"features": {"S3_DATA_EVENTS": \#(enabled), "EKS_AUDIT_LOGS": \#(enabled), "RUNTIME_MONITORING": \#(addon)}}"#
            let override = #"{"features": {"S3_DATA_EVENTS": \#(enabled), "LAMBDA_NETWORK_LOGS": \#(enabled)}}"#
            let settings = #"{"autoEnableOrganizationMembers": "NEW", "features": {"S3_DATA_EVENTS": "ALL", "EKS_AUDIT_LOGS": "NEW"}}"#
            try await client.query("INSERT INTO accounts (account_id, email) VALUES ('111111111111', 'a@x'), ('222222222222', 'b@x')")
            try await client.query(
                """
                INSERT INTO detectors (detector_id, account_id, region, status, finding_publishing_frequency, features) VALUES
                ('admin', '111111111111', 'us-east-1', 'ENABLED', 'SIX_HOURS', \(admin)::jsonb),
                ('member', '222222222222', 'us-east-1', 'ENABLED', 'SIX_HOURS', '{"features": {}}')
                """)
            try await client.query(
                """
                INSERT INTO members (administrator_id, region, account_id, email, relationship_status, features)
                VALUES ('111111111111', 'us-east-1', '222222222222', 'b@x', 'Enabled', \(override)::jsonb)
                """)
            try await client.query(
                """
                INSERT INTO organization_configurations (admin_account_id, region, settings)
                VALUES ('111111111111', 'us-east-1', \(settings)::jsonb)
                """)
            _ = try await Migrator(logger: TestDatabase.logger).migrate(client: client)

            let adminAfter = try await Self.features(client, "admin")
            #expect(adminAfter.features["S3_DATA_EVENTS"]?.status == .enabled)
            #expect(adminAfter.features["EKS_AUDIT_LOGS"]?.status == .disabled)
            #expect(adminAfter.features["RUNTIME_MONITORING"]?.additional["EKS_ADDON_MANAGEMENT"]?.status == .disabled)
            let memberAfter = try await Self.features(client, "member")
            #expect(memberAfter.features["S3_DATA_EVENTS"]?.status == .enabled)
            #expect(memberAfter.features["LAMBDA_NETWORK_LOGS"]?.status == .disabled)
            // The administrator's own EKS_AUDIT_LOGS was never the member's: not copied.
            #expect(memberAfter.features["EKS_AUDIT_LOGS"] == nil)
            for try await (text) in try await client.query("SELECT settings::text FROM organization_configurations").decode(String.self) {
                let stored = try JSONDecoder().decode(OrganizationSettings.self, from: Data(text.utf8))
                #expect(stored.features == ["S3_DATA_EVENTS": .all, "EKS_AUDIT_LOGS": AutoEnable.none])
            }
        }
    }
}
