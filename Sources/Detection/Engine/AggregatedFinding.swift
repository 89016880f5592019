import GuardDutyModel

/// One finding while it is aggregated: the earliest observation (whose details it shows), its count and span as
/// numbers; its strings are built only when the findings are asked for.
struct AggregatedFinding {
    var id: String
    var first: Observation
    var firstSeen: Int64
    var lastSeen: Int64
    var count: Int
    /// A finding taken back from a checkpoint: shown as it was, with its count and span brought up to date. Kept
    /// behind a reference: few entries have one, and inline it would double every entry's size.
    @Indirect var restored: Finding? = nil
    /// Whether a restored finding was found again under its compact key.
    var linked = false
    /// Whether an earlier observation replaced the restored finding's details.
    var detailsChanged = false
    /// A summary ("and N more") of the activity past a limit, or one finding.
    var scope: FindingKey.Scope = .finding
}
