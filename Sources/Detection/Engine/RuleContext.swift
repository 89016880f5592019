import GuardDutyModel
import ThreatLists

/// What every rule is handed with its records: the thresholds, the intelligence in force, the interned names, the
/// defaults for records that name no account or region, and the aggregator the rules add observations to.
final class RuleContext {
    let thresholds: DetectionEngine.Thresholds
    /// Swapped by the engine when its intelligence changes (records buffered under the old lists are judged first).
    var intelligence: Intelligence
    let names: NameTable
    let defaultAccount: String
    let defaultRegion: String
    let aggregator: FindingAggregator
    /// Scratch tables of the window rules' grouping.
    let grouping = ConnectionGrouping()

    init(
        thresholds: DetectionEngine.Thresholds, intelligence: Intelligence, names: NameTable, defaultAccount: String, defaultRegion: String,
        aggregator: FindingAggregator
    ) {
        self.thresholds = thresholds
        self.intelligence = intelligence
        self.names = names
        self.defaultAccount = defaultAccount
        self.defaultRegion = defaultRegion
        self.aggregator = aggregator
    }

    /// Adds one observation to the findings.
    @inline(__always)
    func add(_ observation: Observation) {
        self.aggregator.add(observation)
    }
}
