import PostgresNIO

/// The one builder of dynamic SQL: a text built from fixed pieces (column names, operators, expressions chosen by
/// `FindingColumn`/`FindingSort`, never input) and bind values for everything the caller sent, as `$n` placeholders.
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
