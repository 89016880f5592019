import GuardDutyModel
import Logging
import PostgresNIO

extension PostgresConnection {
    /// The administrator of an Enabled member in a region (whose settings, lists and rules are in force for it).
    func enabledAdministrator(of account: String, region: String, logger: Logger) async throws -> String? {
        for try await (admin) in try await self.query(
            "SELECT administrator_id FROM members WHERE account_id = \(account) AND region = \(region) AND relationship_status = 'Enabled'",
            logger: logger
        ).decode(String.self) {
            return admin
        }
        return nil
    }
}
