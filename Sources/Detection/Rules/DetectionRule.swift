import GuardDutyModel

/// A detection rule: a value with its own state (windows, counters, baselines) that declares the finding types it
/// raises. The engine holds rules only through the protocols below, one per kind of record, and knows none by name.
protocol DetectionRule: AnyObject {
    /// The finding types this rule raises, from the catalogue (`FindingCatalog`).
    var findingTypes: [FindingType] { get }
    /// Whether the rule holds records it has counted but not yet judged.
    var hasOpenWindows: Bool { get }
    /// Judges what is due: the windows that end at or before `watermark` (all when nil).
    func close(before watermark: Int64?, in context: RuleContext)
}

extension DetectionRule {
    var hasOpenWindows: Bool { false }
    func close(before watermark: Int64?, in context: RuleContext) {}
}
