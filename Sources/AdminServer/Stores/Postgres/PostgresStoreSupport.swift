import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// What every PostgreSQL store shares: the client, a logger, the secret box, and the helpers that run one
/// transaction per change and translate PostgreSQL errors at the store's edge.
public struct PostgresStoreContext: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    public let secrets: SecretBox
    /// Moved forward after every committed (or failed) write transaction, for the read caches.
    public let changes: ChangeSignal
    /// Where the findings side's reads may go instead of the primary (`--read-database-url`); nil: all on the primary.
    public let reads: ReadRouting?

    public init(client: PostgresClient, logger: Logger, secrets: SecretBox, changes: ChangeSignal = ChangeSignal(), reads: ReadRouting? = nil) {
        self.client = client
        self.reads = reads
        self.logger = logger
        self.secrets = secrets
        self.changes = changes
    }

    /// Runs `body` in one transaction; unique and foreign-key violations become `StoreError.conflict`.
    /// `signalsChange: false` is for writes no cache or waiting agent reads (findings, heartbeats), so that they do
    /// not wake every long-polling agent.
    func transaction<Result: Sendable>(signalsChange: Bool = true, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        defer { if signalsChange { self.changes.bump() } }
        do {
            let result = try await self.client.withTransaction(logger: self.logger) { connection in
                let value = try await body(connection)
                // Cancelled meanwhile (its request answered 500 by `DatabaseDeadline`, or the server stopping): rolled
                // back, so that what the caller was told failed does not commit after the fact.
                try Task.checkCancellation()
                return value
            }
            await self.rememberWrite()
            return result
        } catch let error as PostgresTransactionError {
            if let closure = error.closureError { throw Self.translate(closure) }
            if let begin = error.beginError { throw Self.translate(begin) }
            if let commit = error.commitError { throw Self.translate(commit) }
            throw error
        }
    }

    /// With a read replica: the primary's WAL position after a committed write, so that the writer's reads through this
    /// replica wait until the standby has replayed it. Agent-channel writes (`WriterScope.untracked`) skip the query.
    func rememberWrite() async {
        guard let reads = self.reads else { return }
        let scope = WriterScope.current
        guard scope != .untracked else { return }
        do {
            for try await position in try await self.client.query("SELECT (pg_current_wal_lsn() - '0/0')::int8", logger: self.logger)
                .decode(Int64.self)
            {
                reads.wrote(scope, at: position)
            }
        } catch {
            // Unknown position: no read may trust the standby for this writer until it is known again. Any position
            // read later is past this commit, so the first one that can be read settles it (and every earlier unknown).
            reads.wrote(scope, at: .max)
            let (client, logger) = (self.client, self.logger)
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    guard let rows = try? await client.query("SELECT (pg_current_wal_lsn() - '0/0')::int8", logger: logger) else { continue }
                    if let position = try? await rows.decode(Int64.self).first(where: { _ in true }) {
                        reads.settle(scope, at: position)
                        return
                    }
                }
            }
        }
    }

    /// Runs a read of the findings side (findings, statistics, coverage, usage) on the standby when the caller's own
    /// writes have been replayed there, else on the primary. A standby read that fails for want of the standby (no
    /// connection, shut down, cancelled by a recovery conflict) is run again on the primary.
    func read<Result: Sendable>(for caller: Caller, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        if let reads = self.reads, reads.standbyServes(account: caller.accountId) {
            do {
                return try await reads.standby.withConnection { connection in try await body(connection) }
            } catch let error as PSQLError where Self.isStandbyFailure(error) {
                reads.observe(replayed: nil, error: error)
            }
        }
        return try await self.client.withConnection { connection in try await body(connection) }
    }

    /// Errors of the standby itself rather than of the query: no server answer, or SQLSTATE class 57 (shutdown,
    /// cancelled) or 40001 (a recovery conflict cancels standby queries with it).
    static func isStandbyFailure(_ error: PSQLError) -> Bool {
        guard let code = error.serverInfo?[.sqlState] else { return true }
        return code.hasPrefix("57") || code == "40001"
    }

    static func translate(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError, let code = psql.serverInfo?[.sqlState] else { return error }
        switch code {
        case "23505": return StoreError.conflict(psql.serverInfo?[.message] ?? "conflict")
        case "23503": return StoreError.conflict(psql.serverInfo?[.message] ?? "conflict")
        case "40001", "40P01": return StoreError.conflict("the change conflicted with a concurrent one; retry it")
        default: return error
        }
    }

    /// 32 lowercase hex characters, the form of GuardDuty's detector and invitation ids.
    static func newIdentifier() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func encodeJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    static var now: Double { Date().timeIntervalSince1970 }
}
