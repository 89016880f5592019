import GuardDutyModel

/// A rule whose learned state outlives the process (an agent keeps it in its checkpoint).
protocol BaselineRule: AnyObject {
    /// Adds what the rule has learned to `learned`.
    func export(into learned: inout LearnedBaselines, names: NameTable)
    /// Takes back what an earlier run learned.
    func restore(_ learned: LearnedBaselines, names: NameTable)
}
