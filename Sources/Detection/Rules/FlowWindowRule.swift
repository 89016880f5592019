import GuardDutyModel

/// A rule judging one closed window of the connections that `FlowWindows` buffers for all window rules.
protocol FlowWindowRule: DetectionRule {
    func judge(_ window: FlowWindow, in context: RuleContext)
}
