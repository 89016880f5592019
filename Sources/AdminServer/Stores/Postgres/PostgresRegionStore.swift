import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Regions in PostgreSQL.
public struct PostgresRegionStore: RegionStore {
    let context: PostgresStoreContext

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    public func listRegions() async throws -> [RegionRecord] {
        var regions: [RegionRecord] = []
        for try await (name, enabled) in try await self.context.client.query(
            "SELECT name, enabled FROM regions ORDER BY name", logger: self.context.logger
        ).decode((String, Bool).self) {
            regions.append(RegionRecord(name: name, enabled: enabled))
        }
        return regions
    }

    /// Whether the server serves `name` (known and enabled).
    public func isEnabled(_ name: String) async throws -> Bool {
        guard name.utf8.count <= 32 else { return false }
        for try await _ in try await self.context.client.query(
            "SELECT 1 FROM regions WHERE name = \(name) AND enabled", logger: self.context.logger
        ).decode(Int.self) {
            return true
        }
        return false
    }

    /// Enabling an unknown (well-formed) region adds it; disabling an unknown one is an error.
    public func setRegion(_ name: String, enabled: Bool) async throws {
        guard name.range(of: #"^[a-z]{2}(-[a-z]+)+-[0-9]+$"#, options: .regularExpression) != nil else {
            throw StoreError.invalid("'\(name)' is not a region name like us-east-1")
        }
        let logger = self.context.logger
        try await self.context.transaction { connection in
            if enabled {
                try await connection.query(
                    "INSERT INTO regions (name, enabled) VALUES (\(name), true) ON CONFLICT (name) DO UPDATE SET enabled = true",
                    logger: logger
                ).consume()
            } else {
                var found = false
                for try await _ in try await connection.query(
                    "UPDATE regions SET enabled = false WHERE name = \(name) RETURNING 1", logger: logger
                ).decode(Int.self) {
                    found = true
                }
                guard found else { throw StoreError.notFound("region \(name) is not known to this server") }
            }
            try await connection.query("SELECT pg_notify('guardpost_changes', 'region:' || \(name))", logger: logger).consume()
        }
    }
}
