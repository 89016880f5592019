import GuardDutyModel
import Testing

/// What an ingested batch may hold and the limits of the finding operations, without a database.
@Suite("Finding limits")
struct FindingLimitsTests {
    static let account = "111111111111"
    static let region = "us-east-1"
    static let detector = "0123456789abcdef0123456789abcdef"

    static func sample(_ id: String = "f1", updatedAt: String = "2026-01-02T03:04:05.000Z", count: Int = 1) -> Finding {
        let type = FindingCatalog.all.keys.sorted()[0]
        var finding = SampleFindings.make(
            type: FindingCatalog.all[type]!, id: id, accountId: Self.account, region: Self.region, detectorId: Self.detector, now: updatedAt
        )
        finding.updatedAt = updatedAt
        finding.service.count = count
        return finding
    }

    @Test func aBatchKeepsTheFurthestVersionOfEachFinding() throws {
        let batch = [Self.sample(count: 1), Self.sample(count: 3), Self.sample(count: 2), Self.sample("f2")]
        let kept = try FindingLimits.ingestBatch(batch, accountId: Self.account, region: Self.region, detectorId: Self.detector)
        #expect(kept.count == 2)
        #expect(kept.first { $0.id == "f1" }?.service.count == 3)
    }

    @Test func aBatchOfMoreThanFiveHundredIsRefused() {
        #expect(throws: GuardDutyError.badRequest("The request is rejected because the batch has 501 findings; at most 500 are allowed.")) {
            try FindingLimits.batchSize(501)
        }
        #expect(throws: Never.self) { try FindingLimits.batchSize(500) }
    }

    /// Each field a finding must get right, and the words that name it.
    @Test func aFindingOfAnotherAccountRegionOrDetectorIsRefused() {
        var other = Self.sample()
        other.accountId = "222222222222"
        var wrongSeverity = Self.sample()
        wrongSeverity.severity = 11
        var badTime = Self.sample()
        badTime.createdAt = "2026-02-30T00:00:00Z"
        var badType = Self.sample()
        badType.type = "Not:A/Type"
        let cases: [(Finding, String)] = [
            (other, "belongs to account 222222222222, not the caller's"), (wrongSeverity, "has severity 11.0, outside 0.1 to 10"),
            (badTime, "has createdAt '2026-02-30T00:00:00Z', which is not an ISO 8601 UTC timestamp"),
            (badType, "has type 'Not:A/Type', which is not in the finding catalogue"),
        ]
        for (finding, why) in cases {
            #expect(
                throws: GuardDutyError.badRequest(
                    "The request is rejected because finding 0 (f1) \(why); nothing in the batch was stored."
                )
            ) {
                try FindingLimits.validate(finding, index: 0, accountId: Self.account, region: Self.region, detectorId: Self.detector)
            }
        }
    }

    @Test(arguments: [
        ("2026-01-02T03:04:05Z", true), ("2026-01-02T03:04:05.123456Z", true), ("2024-02-29T00:00:00Z", true),
        ("2023-02-29T00:00:00Z", false), ("2026-13-01T00:00:00Z", false), ("2026-01-02T24:00:00Z", false),
        ("2026-01-02 03:04:05Z", false), ("2026-01-02T03:04:05", false), ("2026-01-02T03:04:05.Z", false), ("0000-01-01T00:00:00Z", false),
    ])
    func timestampsAreRealISO8601UTCInstants(_ text: String, _ valid: Bool) {
        #expect(FindingLimits.isTimestamp(text) == valid)
    }

    @Test func documentsAreBoundedAndFreeOfNUL() {
        #expect(throws: Never.self) { try FindingLimits.document(byteCount: 64 * 1024, findingId: "f", containsNUL: false) }
        #expect(throws: GuardDutyError.self) { try FindingLimits.document(byteCount: 64 * 1024 + 1, findingId: "f", containsNUL: false) }
        #expect(throws: GuardDutyError.self) { try FindingLimits.document(byteCount: 10, findingId: "f", containsNUL: true) }
    }

    @Test func listFindingsPagesHoldOneToFifty() throws {
        #expect(try FindingLimits.listFindingsMaxResults(nil) == 50)
        #expect(try FindingLimits.listFindingsMaxResults(1) == 1)
        for bad in [0, 51] {
            let refusal = GuardDutyError.badRequest("The request is rejected because maxResults \(bad) is out of range: it must be from 1 to 50.")
            #expect(throws: refusal) {
                try FindingLimits.listFindingsMaxResults(bad)
            }
        }
    }

    @Test func feedbackIsUsefulOrNotUseful() throws {
        #expect(throws: Never.self) { try FindingLimits.feedback("USEFUL") }
        #expect(throws: Never.self) { try FindingLimits.feedback("NOT_USEFUL") }
        #expect(throws: GuardDutyError.self) { try FindingLimits.feedback("useful") }
        #expect(try FindingLimits.feedbackRequest(feedback: "USEFUL", comments: String(repeating: "c", count: 4096)) == "USEFUL")
        #expect(throws: GuardDutyError.self) { try FindingLimits.feedbackRequest(feedback: nil, comments: nil) }
        #expect(throws: GuardDutyError.self) { try FindingLimits.feedbackRequest(feedback: "USEFUL", comments: String(repeating: "c", count: 4097)) }
    }

    @Test func sampleFindingsAreOfCataloguedTypes() throws {
        #expect(try FindingLimits.sampleTypes(nil).count == FindingCatalog.all.count)
        let type = FindingCatalog.all.keys.sorted()[0]
        #expect(try FindingLimits.sampleTypes([type]).map(\.type) == [type])
        #expect(throws: GuardDutyError.self) { try FindingLimits.sampleTypes(["Nope:Nope/Nope"]) }
        #expect(throws: GuardDutyError.self) { try FindingLimits.sampleTypes(Array(repeating: type, count: 51)) }
    }
}
