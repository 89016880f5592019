import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// The administrator's changes to findings: archive state, feedback, and sample findings.
extension PostgresFindingStore {
    /// Members' findings are archived (and suppression rules made) by their administrator (`DetectorAccess`).
    func requireAdministrator(_ connection: PostgresConnection, _ caller: Caller, doing what: String) async throws {
        let admin = try await connection.enabledAdministrator(of: caller.accountId, region: caller.region, logger: self.logger)
        try DetectorAccess.requireNotMember(enabledAdministrator: admin, doing: what)
    }

    public func setArchived(caller: Caller, detectorId: String, ids: [String], archived: Bool) async throws {
        try await self.context.transaction(signalsChange: false) { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            try await self.requireAdministrator(connection, caller, doing: archived ? "archive findings" : "unarchive findings")
            try await connection.query(
                """
                UPDATE findings SET archived = \(archived), suppressed = false
                WHERE account_id = ANY(\(accounts)) AND region = \(caller.region) AND finding_id = ANY(\(ids))
                """,
                logger: self.logger
            ).consume()
        }
    }

    public func setFeedback(caller: Caller, detectorId: String, ids: [String], feedback: String) async throws {
        try FindingLimits.feedback(feedback)
        try await self.context.transaction(signalsChange: false) { connection in
            let accounts = try await self.scope(connection, caller, detectorId)
            try await connection.query(
                """
                UPDATE findings SET feedback = \(feedback)
                WHERE account_id = ANY(\(accounts)) AND region = \(caller.region) AND finding_id = ANY(\(ids))
                """,
                logger: self.logger
            ).consume()
        }
    }

    public func createSampleFindings(caller: Caller, detectorId: String, types: [String]?) async throws {
        let chosen = try FindingLimits.sampleTypes(types)
        let now = Self.isoNow()
        let samples = chosen.map { info in
            SampleFindings.make(
                type: info, id: PostgresStoreContext.newIdentifier(), accountId: caller.accountId, region: caller.region, detectorId: detectorId,
                now: now
            )
        }
        let documents = try Self.documents(samples)
        _ = try await self.context.transaction(signalsChange: false) { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            return try await self.upsert(connection, caller: caller, findings: samples.map(FindingHeader.init), documents: documents)
        }
    }

    static func isoNow() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
