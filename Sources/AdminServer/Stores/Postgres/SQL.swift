/// SQL shared by the stores.
enum SQL {
    /// ISO 8601 with milliseconds in UTC, as GuardDuty's string timestamps (`createdAt`, `invitedAt`).
    static func isoTimestamp(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    /// A stored finding's document (jsonb) with the columns the administrator changes (archived, feedback) overlaid;
    /// `table` is the alias of `findings` in the query, or empty.
    static func findingDocument(_ table: String = "") -> String {
        let t = table.isEmpty ? "" : "\(table)."
        return
            "jsonb_set(jsonb_set(\(t)finding, '{service,archived}', to_jsonb(\(t)archived)), '{service,userFeedback}', coalesce(to_jsonb(\(t)feedback), 'null'::jsonb))"
    }
}
