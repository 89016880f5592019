import GuardDutyModel

/// The rules an engine runs, by the kind of record they read. `standard` is the one list of Guardpost's rules: adding
/// a rule is a new file in `Rules/` and a line here.
struct DetectionRules {
    var flow: [any FlowRule] = []
    var flowWindows: [any FlowWindowRule] = []
    var cloudTrail: [any CloudTrailRule] = []
    var dns: [any DNSRule] = []
    var kubernetes: [any KubernetesRule] = []

    /// Every rule Guardpost has (fresh state: one set per engine).
    static func standard() -> DetectionRules {
        DetectionRules(
            flow: [FlowThreatListRule(), FlowBuiltInAddressRule(), FlowBaselineRule()],
            flowWindows: [BruteForceRule(), PortscanRule(), PortSweepRule(), PortProbeRule(), DenialOfServiceRule(), TrafficVolumeRule()],
            cloudTrail: [
                RootCredentialUsageRule(), CloudTrailLoggingDisabledRule(), PasswordPolicyChangeRule(), AnomalousBehaviorRule(), PenTestRule(),
                ThreatListCallerRule(), TorCallerRule(), MaliciousIPCallerRule(), InstanceCredentialExfiltrationRule(), ConsoleLoginRule(),
                S3BucketPolicyRule(),
            ],
            dns: [BuiltInDomainRule(), DomainThreatListRule(), MetadataDNSRebindRule(), DGADomainRule(), DNSDataExfiltrationRule()],
            kubernetes: [
                KubernetesWorkloadRule(), KubernetesBindingRule(), KubernetesServiceRule(), KubernetesExecRule(), KubernetesAnonymousRule(),
                KubernetesCallerRule(), KubernetesAnomalousBehaviorRule(),
            ]
        )
    }

    /// Every rule, whatever it reads.
    var all: [any DetectionRule] {
        self.flow.map { $0 as any DetectionRule } + self.flowWindows.map { $0 as any DetectionRule }
            + self.cloudTrail.map { $0 as any DetectionRule } + self.dns.map { $0 as any DetectionRule }
            + self.kubernetes.map { $0 as any DetectionRule }
    }

    /// The same set without the rules that raise `type` (what a test uses to show a rule is the only source of its type).
    func removing(_ type: FindingType) -> DetectionRules {
        DetectionRules(
            flow: self.flow.filter { !$0.findingTypes.contains(type) },
            flowWindows: self.flowWindows.filter { !$0.findingTypes.contains(type) },
            cloudTrail: self.cloudTrail.filter { !$0.findingTypes.contains(type) },
            dns: self.dns.filter { !$0.findingTypes.contains(type) },
            kubernetes: self.kubernetes.filter { !$0.findingTypes.contains(type) }
        )
    }
}
