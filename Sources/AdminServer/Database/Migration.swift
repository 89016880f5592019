import Crypto
import Logging
import PostgresNIO
import SigV4

/// One numbered schema change from `migrations/`.
public struct Migration: Sendable, Equatable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// The number the file name starts with (`0001_x.sql` → 1).
    public var version: Int { Int(self.name.prefix { $0.isNumber }) ?? 0 }

    public var checksum: String {
        SigV4Encoding.sha256Hex(Array(self.sql.utf8))
    }
}

/// Why migrating failed, in words an operator can act on.
public struct MigrationError: Error, CustomStringConvertible {
    public let description: String
}
