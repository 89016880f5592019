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

    public init(client: PostgresClient, logger: Logger, secrets: SecretBox, changes: ChangeSignal = ChangeSignal()) {
        self.client = client
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
            return try await self.client.withTransaction(logger: self.logger) { connection in
                try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            if let closure = error.closureError { throw Self.translate(closure) }
            if let begin = error.beginError { throw Self.translate(begin) }
            if let commit = error.commitError { throw Self.translate(commit) }
            throw error
        }
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
