/// GuardDuty's limits and input rules for findings: what an ingested batch may hold, the page sizes of
/// ListFindings, feedback values and the finding types CreateSampleFindings accepts. Each failure is a 400 whose
/// message says what was wrong and what is allowed.
public enum FindingLimits {
    /// A batch holds at most this many findings (an agent sends at most 500 per request).
    public static let maxBatch = 500
    /// The largest finding document stored (encoded JSON); a bound keeps GetFindings' answers (50 findings) bounded.
    public static let maxDocumentBytes = 64 * 1024
    /// ListFindings' page size: 1 to 50, 50 when absent.
    public static let maxListFindingsResults = 50
    /// CreateSampleFindings takes at most this many finding types.
    public static let maxSampleTypes = 50

    public static func batchSize(_ count: Int) throws {
        guard count <= Self.maxBatch else {
            throw GuardDutyError.badRequest("The request is rejected because the batch has \(count) findings; at most \(Self.maxBatch) are allowed.")
        }
    }

    /// Checks a batch for the caller's detector and keeps one finding per id: the furthest version wins (by
    /// `updatedAt`, then count), so a batch with repeats behaves as its last word. Answers the positions kept.
    public static func ingestBatch(_ findings: [FindingHeader], accountId: String, region: String, detectorId: String) throws -> [Int] {
        try Self.batchSize(findings.count)
        var latest: [String: Int] = [:]
        latest.reserveCapacity(findings.count)
        for (index, finding) in findings.enumerated() {
            try Self.validate(finding, index: index, accountId: accountId, region: region, detectorId: detectorId)
            if let existing = latest[finding.id],
                (findings[existing].updatedAt, findings[existing].count) >= (finding.updatedAt, finding.count)
            {
                continue
            }
            latest[finding.id] = index
        }
        return latest.values.sorted()
    }

    /// `ingestBatch` of findings built in Swift.
    public static func ingestBatch(_ findings: [Finding], accountId: String, region: String, detectorId: String) throws -> [Finding] {
        try Self.ingestBatch(findings.map(FindingHeader.init), accountId: accountId, region: region, detectorId: detectorId).map { findings[$0] }
    }

    /// One finding of a batch: the caller's account, region and detector, a catalogued type, GuardDuty's ranges.
    public static func validate(_ finding: Finding, index: Int, accountId: String, region: String, detectorId: String) throws {
        try Self.validate(FindingHeader(finding), index: index, accountId: accountId, region: region, detectorId: detectorId)
    }

    /// One finding of a batch, by what ingest reads of it.
    public static func validate(_ finding: FindingHeader, index: Int, accountId: String, region: String, detectorId: String) throws {
        func reject(_ why: String) -> GuardDutyError {
            .badRequest("The request is rejected because finding \(index) (\(finding.id.prefix(64))) \(why); nothing in the batch was stored.")
        }
        guard finding.accountId == accountId else { throw reject("belongs to account \(finding.accountId.prefix(20)), not the caller's") }
        guard finding.region == region else { throw reject("is for region \(finding.region.prefix(30)), not the request's region \(region)") }
        guard finding.detectorId == detectorId else {
            throw reject(
                "names detector \(finding.detectorId.prefix(40)), not \(detectorId)"
            )
        }
        guard (1...300).contains(finding.id.utf8.count),
            finding.id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || (($0 | 0x20) >= 97 && ($0 | 0x20) <= 122) || $0 == 45 })
        else {
            throw reject("has an id that is not 1 to 300 letters, digits or '-'")
        }
        guard FindingCatalog.all[finding.type] != nil else {
            throw reject(
                "has type '\(finding.type.prefix(80))', which is not in the finding catalogue"
            )
        }
        guard finding.severity >= 0.1, finding.severity <= 10 else { throw reject("has severity \(finding.severity), outside 0.1 to 10") }
        guard finding.count >= 1 else { throw reject("has a count below 1") }
        let timestamps = [
            ("createdAt", finding.createdAt), ("updatedAt", finding.updatedAt),
            ("service.eventFirstSeen", finding.eventFirstSeen), ("service.eventLastSeen", finding.eventLastSeen),
        ]
        for (name, value) in timestamps {
            guard Self.isTimestamp(value) else { throw reject("has \(name) '\(value.prefix(40))', which is not an ISO 8601 UTC timestamp") }
        }
        guard finding.arn == "arn:aws:guardduty:\(finding.region):\(finding.accountId):detector/\(detectorId)/finding/\(finding.id)" else {
            throw reject("has an arn that does not name its region, account, detector and id")
        }
        guard finding.resourceType.utf8.count <= 64, finding.titleBytes <= 1024, finding.descriptionBytes <= 4096 else {
            throw reject("has a resource type, title or description longer than GuardDuty's")
        }
    }

    /// The encoded document of one finding: at most `maxDocumentBytes`, and no NUL (PostgreSQL's text cannot hold
    /// one; JSON may escape one).
    public static func document(byteCount: Int, findingId: String, containsNUL: Bool) throws {
        guard byteCount <= Self.maxDocumentBytes else {
            throw GuardDutyError.badRequest(
                "The request is rejected because finding \(findingId.prefix(64)) is \(byteCount) bytes; at most \(Self.maxDocumentBytes) are "
                    + "allowed. "
                    + "Nothing in the batch was stored."
            )
        }
        guard !containsNUL else {
            throw GuardDutyError.badRequest(
                "The request is rejected because finding \(findingId.prefix(64)) holds a NUL character. Nothing in the batch was stored."
            )
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff…]Z`, what the agent and GuardDuty write: a real calendar date of years 1–9999 and a
    /// real time of day (a date the database refuses would otherwise fail the whole batch).
    public static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 30, bytes.last == 90 else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        guard digits.allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 }) else { return false }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58 else { return false }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) } }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        guard year >= 1, (1...12).contains(month), number(11..<13) < 24, number(14..<16) < 60, number(17..<19) < 60 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return false }
        if bytes.count == 20 { return true }
        return bytes[19] == 46 && bytes.count > 21 && bytes[20..<(bytes.count - 1)].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// ListFindings' `maxResults`: absent means 50, otherwise 1 to 50.
    public static func listFindingsMaxResults(_ value: Int?) throws -> Int {
        try Validate.maxResults(value)
    }

    /// UpdateFindingsFeedback's body: feedback present (then USEFUL or NOT_USEFUL, checked by `feedback(_:)`) and
    /// comments of at most 4,096 characters. (The route checks these today; it can call this instead.)
    public static func feedbackRequest(feedback: String?, comments: String?) throws -> String {
        guard let feedback else {
            throw GuardDutyError.badRequest("The request is rejected because feedback is missing: use USEFUL or NOT_USEFUL.")
        }
        if let comments, comments.count > 4096 {
            throw GuardDutyError.badRequest("The request is rejected because comments are longer than 4,096 characters.")
        }
        return feedback
    }

    public static func feedback(_ feedback: String) throws {
        guard feedback == "USEFUL" || feedback == "NOT_USEFUL" else {
            throw GuardDutyError.badRequest("The request is rejected because feedback '\(feedback.prefix(20))' is not USEFUL or NOT_USEFUL.")
        }
    }

    /// The finding types CreateSampleFindings makes: those listed (at most 50, each from the catalogue), or every
    /// catalogued type (sorted) when none is listed.
    public static func sampleTypes(_ types: [String]?) throws -> [FindingTypeInfo] {
        guard let types, !types.isEmpty else { return FindingCatalog.all.values.sorted { $0.type < $1.type } }
        guard types.count <= Self.maxSampleTypes else {
            throw GuardDutyError.badRequest("The request is rejected because findingTypes lists \(types.count) types; at most 50 are allowed.")
        }
        return try types.map { type in
            guard let info = FindingCatalog.all[type] else {
                throw GuardDutyError.badRequest("The request is rejected because '\(type.prefix(80))' is not a finding type Guardpost generates.")
            }
            return info
        }
    }
}
