import PostgresNIO

extension PostgresRowSequence {
    /// Reads every row of a statement whose rows nobody needs. An error PostgreSQL sends once rows have begun (a
    /// deadlock, a lock or statement timeout) arrives in the row stream: unread, it was never thrown, the transaction
    /// was left aborted, and its COMMIT silently became a rollback. Every statement run for its effect ends here.
    func consume() async throws {
        for try await _ in self {}
    }
}
