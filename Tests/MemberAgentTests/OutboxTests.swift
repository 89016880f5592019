import Foundation
import GuardDutyModel
import MemberAgent
import Testing

/// The durable outbox: batches kept until acknowledged, in order, across restarts.
@Suite("Outbox")
struct OutboxTests {
    func finding(_ id: String) -> Finding {
        Finding(
            accountId: "111111111111", arn: "arn:aws:guardduty:us-east-1:111111111111:detector/d/finding/\(id)",
            createdAt: "2026-01-01T00:00:00.000Z",
            description: "", id: id, region: "us-east-1", resource: Finding.Resource(resourceType: "Instance"),
            service: Finding.Service(
                action: .dns(Finding.DnsRequestAction(domain: "x.example", protocolName: "UDP", blocked: false)), evidence: nil, count: 1,
                detectorId: "d", eventFirstSeen: "2026-01-01T00:00:00.000Z", eventLastSeen: "2026-01-01T00:00:00.000Z",
                resourceRole: "ACTOR", additionalInfo: nil, featureName: nil),
            severity: 5, title: "", type: "Trojan:EC2/DropPoint!DNS", updatedAt: "2026-01-01T00:00:00.000Z"
        )
    }

    @Test func batchesSurviveReopeningAndLeaveOnlyWhenAcknowledgedInOrder() throws {
        let directory = try temporaryDirectory()
        var outbox = try Outbox(directory: directory)
        try outbox.append(detectorId: "d", findings: (0..<450).map { self.finding("f\($0)") })
        #expect(outbox.pendingBatches == 3)  // 200 + 200 + 50
        // A restart finds the same batches, oldest first, and numbers new ones after them.
        outbox = try Outbox(directory: directory)
        try outbox.append(detectorId: "d", findings: [self.finding("late")])
        var seen: [String] = []
        while let (name, body) = try outbox.oldest() {
            let batch = try JSONDecoder().decode(AgentFindingBatch.self, from: Data(body))
            seen += batch.findings.map(\.id)
            if batch.findings.first?.id == "late" {
                try outbox.reject(name, reason: "refused for the test")
            } else {
                try outbox.acknowledge(name)
            }
        }
        #expect(seen == (0..<450).map { "f\($0)" } + ["late"])
        #expect(outbox.pendingBatches == 0)
        #expect(outbox.rejectedBatches == 1)
    }
}
