import PostgresNIO

/// A SQL text with its bind values, built up piece by piece.
struct SQLBuilder {
    var sql = ""
    var binds = PostgresBindings()

    /// Appends a bind and returns its placeholder (`$n`).
    mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws -> String {
        try self.binds.append(value)
        return "$\(self.binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: self.sql, binds: self.binds) }
}
