import GuardDutyModel
import PrecisionCorpus
import Testing

extension PrecisionCorpusSuites {
    /// Scoring: a finding matches an attack by type and resource; everything else is counted against benign resources.
    @Suite("Precision score")
    struct PrecisionScoreTests {
        /// 2026-11-07T00:00:00Z: both attacks run for ten minutes from then.
        static let attackStart: Int64 = 1_794_009_600
        static let truth = CorpusTruth(
            seed: 1, days: 6, instances: 30, density: 1, accountId: "111122223333", region: "us-east-1", start: 0,
            assets: [
                .init(kind: "instance", id: "i-0web", interfaceId: "eni-0web", role: "web"),
                .init(kind: "instance", id: "i-0worker", interfaceId: "eni-0worker", role: "worker"),
                .init(kind: "interface", id: "eni-0nat", interfaceId: "eni-0nat", role: "nat-gateway"),
            ],
            attacks: [
                .init(
                    name: "port sweep", acceptedTypes: ["Impact:EC2/PortSweep"], instanceId: "i-0worker", interfaceId: "eni-0worker",
                    relatedResources: ["eni-0nat"], start: Self.attackStart, end: Self.attackStart + 600, indicator: "23"),
                .init(
                    name: "Tor API calls", acceptedTypes: ["Recon:IAMUser/TorIPCaller", "UnauthorizedAccess:IAMUser/TorIPCaller"],
                    accessKeyId: "AKIAREPORTING",
                    userName: "reporting", relatedResources: [], start: Self.attackStart, end: Self.attackStart + 600, indicator: "185.220.101.141"),
            ],
            flowRecords: 0, cloudTrailRecords: 0, dnsRecords: 0)

        /// A finding of `type` on an instance (by instance id or, without one, by interface) or on an access key.
        static func finding(
            _ type: String, instance: String? = nil, interface: String? = nil, accessKey: String? = nil, at time: String = "2026-11-07T00:05:00Z"
        ) -> Finding {
            let info = FindingCatalog.all[type]!
            var finding = SampleFindings.make(
                type: info, id: "f", accountId: "111122223333", region: "us-east-1", detectorId: "d", now: time)
            if let accessKey {
                finding.resource = .init(
                    resourceType: "AccessKey",
                    accessKeyDetails: .init(accessKeyId: accessKey, principalId: nil, userName: "someone", userType: "IAMUser")
                )
            } else {
                finding.resource = .init(
                    resourceType: "Instance",
                    instanceDetails: .init(
                        instanceId: instance, networkInterfaces: interface.map { [.init(networkInterfaceId: $0, privateIpAddress: nil)] }))
            }
            return finding
        }

        @Test func aFindingOfAnAcceptedTypeOnTheAttackedResourceDetectsTheAttack() {
            let score = PrecisionScore(
                findings: [
                    Self.finding("Impact:EC2/PortSweep", interface: "eni-0worker"),
                    Self.finding("UnauthorizedAccess:IAMUser/TorIPCaller", accessKey: "AKIAREPORTING"),
                ],
                truth: Self.truth)
            #expect(score.recall == 1 && score.missed.isEmpty)
            #expect(score.benign.isEmpty)
        }

        @Test func theRightTypeOnAnotherResourceOrAnotherTypeOnTheAttackedResourceIsBenign() {
            let score = PrecisionScore(
                findings: [
                    Self.finding("Impact:EC2/PortSweep", instance: "i-0web"),
                    Self.finding("Behavior:EC2/NetworkPortUnusual", instance: "i-0worker", at: "2026-11-08T00:05:00Z"),
                    Self.finding("Behavior:EC2/NetworkPortUnusual", instance: "i-0web"),
                ], truth: Self.truth)
            #expect(score.recall == 0 && score.missed == ["port sweep", "Tor API calls"])
            #expect(score.benign.count == 3)
            #expect(score.highBenign == 1)
            #expect(abs(score.benignPerInstanceDay - 3.0 / 180) < 1e-9)
            #expect(score.breakdown.map(\.type) == ["Behavior:EC2/NetworkPortUnusual", "Impact:EC2/PortSweep"])
            #expect(score.breakdown.first?.roles == ["web", "worker"])
        }

        @Test func theAttacksTypeOnTheNatGatewayCarryingItIsBenignAndCountedAsMisattributed() {
            let score = PrecisionScore(findings: [Self.finding("Impact:EC2/PortSweep", interface: "eni-0nat")], truth: Self.truth)
            #expect(score.misattributed == 1 && score.benign.map(\.role) == ["nat-gateway"] && score.highBenign == 1 && score.recall == 0)
            let other = PrecisionScore(
                findings: [
                    Self.finding("Recon:EC2/Portscan", interface: "eni-0nat"),
                    Self.finding("Impact:EC2/PortSweep", interface: "eni-0nat", at: "2026-11-08T00:05:00Z"),
                ], truth: Self.truth)
            #expect(other.benign.map(\.role) == ["nat-gateway", "nat-gateway"] && other.misattributed == 0)
        }

        @Test func anotherTypeOnTheAttackedResourceWhileTheAttackLastsIsIncidental() {
            let score = PrecisionScore(findings: [Self.finding("Discovery:IAMUser/AnomalousBehavior", accessKey: "AKIAREPORTING")], truth: Self.truth)
            #expect(score.incidental == 1 && score.benign.isEmpty)
        }
    }
}
