import GuardDutyModel

/// How a scan's findings compare with a corpus's truth: a finding matches an injected attack when its type is one the
/// attack accepts and its resource is the attacked one; every other finding is on a benign resource — including the
/// attack's own type raised on the NAT gateway that carried a private instance's traffic, which is counted as benign
/// and also reported as misattributed (GuardDuty names the instance). One kind is set apart: another type on the
/// attacked resource while the attack lasts (first seen from ten minutes before its start to an hour after its end) is
/// incidental, a side effect of the attack (e.g. a discovery anomaly of the stolen key), not a finding on a benign resource.
public struct PrecisionScore: Sendable, Equatable {
    /// An attack and whether some finding matched it.
    public struct AttackResult: Sendable, Equatable {
        public var name: String
        public var acceptedTypes: [String]
        public var detected: Bool
    }

    /// A finding on a benign resource, reduced to what an analyst would see in a list.
    public struct BenignFinding: Sendable, Equatable {
        public var type: String
        public var resource: String
        public var role: String
        public var severity: Double
    }

    public var attacks: [AttackResult]
    public var benign: [BenignFinding]
    /// How many of the benign findings are an attack's type on the NAT gateway carrying it.
    public var misattributed: Int
    public var incidental: Int
    /// Instance-days of the corpus (instances × days).
    public var instanceDays: Int

    public init(findings: [Finding], truth: CorpusTruth) {
        let roles = Dictionary(
            truth.assets.flatMap { asset in [(asset.id, asset.role)] + (asset.interfaceId.map { [($0, asset.role)] } ?? []) },
            uniquingKeysWith: { first, _ in first })
        var detected = Set<Int>()
        var benign: [BenignFinding] = []
        var misattributed = 0
        var incidental = 0
        for finding in findings {
            let resources = Self.resources(of: finding)
            let matches = truth.attacks.indices.filter { index in
                let attack = truth.attacks[index]
                return attack.acceptedTypes.contains(finding.type) && !resources.isDisjoint(with: Self.resources(of: attack))
            }
            let during = truth.attacks.filter { attack in
                CorpusClock.parse(finding.service.eventFirstSeen).map { (attack.start - 600)...(attack.end + 3600) ~= $0 } ?? false
            }
            if !matches.isEmpty {
                detected.formUnion(matches)
            } else if during.contains(where: { !resources.isDisjoint(with: Self.resources(of: $0)) }) {
                incidental += 1
            } else {
                if during.contains(where: { $0.acceptedTypes.contains(finding.type) && !resources.isDisjoint(with: $0.relatedResources) }) {
                    misattributed += 1
                }
                let resource = resources.sorted().first ?? "-"
                benign.append(
                    BenignFinding(
                        type: finding.type, resource: resource, role: resources.compactMap { roles[$0] }.first ?? "unknown",
                        severity: finding.severity))
            }
        }
        self.attacks = truth.attacks.enumerated().map { index, attack in
            AttackResult(name: attack.name, acceptedTypes: attack.acceptedTypes, detected: detected.contains(index))
        }
        self.benign = benign
        self.misattributed = misattributed
        self.incidental = incidental
        self.instanceDays = truth.instances * truth.days
    }

    /// Instance id, interface ids, access key id and user name a finding names.
    static func resources(of finding: Finding) -> Set<String> {
        var resources = Set<String>()
        if let instance = finding.resource.instanceDetails {
            if let id = instance.instanceId { resources.insert(id) }
            for interface in instance.networkInterfaces ?? [] { if let id = interface.networkInterfaceId { resources.insert(id) } }
        }
        if let key = finding.resource.accessKeyDetails {
            for value in [key.accessKeyId, key.userName] { if let value, !value.isEmpty { resources.insert(value) } }
        }
        return resources
    }

    static func resources(of attack: CorpusTruth.Attack) -> Set<String> {
        Set([attack.instanceId, attack.interfaceId, attack.accessKeyId, attack.userName].compactMap { $0 })
    }

    /// Findings on benign resources per benign instance-day.
    public var benignPerInstanceDay: Double { Double(self.benign.count) / Double(max(1, self.instanceDays)) }
    /// High-severity (≥ 7) findings on benign resources.
    public var highBenign: Int { self.benign.filter { $0.severity >= 7 }.count }
    /// The share of injected attacks some finding matched.
    public var recall: Double { Double(self.attacks.filter(\.detected).count) / Double(max(1, self.attacks.count)) }
    /// The attacks no finding matched.
    public var missed: [String] { self.attacks.filter { !$0.detected }.map(\.name) }

    /// Benign findings by type, most frequent first: (type, count, High count, roles of the resources).
    public var breakdown: [(type: String, count: Int, high: Int, roles: [String])] {
        Dictionary(grouping: self.benign, by: \.type).map { type, findings in
            (type, findings.count, findings.filter { $0.severity >= 7 }.count, Array(Set(findings.map(\.role))).sorted())
        }.sorted { ($0.count, $1.type) > ($1.count, $0.type) }
    }

    /// A human-readable report of the figures.
    public var report: String {
        var lines = [
            "benign findings: \(self.benign.count) (\(String(format: "%.3f", self.benignPerInstanceDay)) per instance-day over \(self.instanceDays) "
                + "instance-days; goal ≤ 0.050)",
            "High benign findings: \(self.highBenign) (goal 0)",
            "recall: \(self.attacks.filter(\.detected).count)/\(self.attacks.count) = \(String(format: "%.3f", self.recall)) (goal ≥ 0.95)",
            "of which \(self.misattributed) misattributed (an attack's type on the NAT gateway carrying it); set apart: \(self.incidental) "
                + "incidental (another type on the attacked resource during the attack)",
        ]
        for entry in self.breakdown {
            lines.append("  FP \(entry.type): \(entry.count) (High \(entry.high)) on \(entry.roles.joined(separator: ", "))")
        }
        for name in self.missed { lines.append("  missed: \(name)") }
        return lines.joined(separator: "\n")
    }
}
