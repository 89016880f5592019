/// Filters (saved criteria and suppression rules): what CreateFilter and UpdateFilter accept, the per-detector
/// limit, and the default rank.
public enum FilterRules {
    /// Filters per detector (GuardDuty's quota).
    public static let maxFilters = 100

    /// A checked CreateFilter: the name, the action (NOOP when absent) and the criteria.
    public static func create(_ request: FilterRequest) throws -> (name: String, action: String, criteria: FindingCriteria?) {
        let name = try Validate.filterName(request.name)
        let (action, criteria) = try Self.validate(request, creating: true)
        if let tags = request.tags { try Validate.tags(tags) }
        try Validate.clientToken(request.clientToken)
        return (name, action ?? "NOOP", criteria)
    }

    /// The description, rank, action and criteria of a filter request; on update, absent members keep their value.
    public static func validate(_ request: FilterRequest, creating: Bool) throws -> (action: String?, criteria: FindingCriteria?) {
        if let description = request.description, description.count > 512 {
            throw GuardDutyError.badRequest("The request is rejected because the filter description is longer than 512 characters.")
        }
        if let rank = request.rank, !(1...100).contains(rank) {
            throw GuardDutyError.badRequest("The request is rejected because rank \(rank) is out of range: it must be from 1 to 100.")
        }
        let action = request.action ?? (creating ? "NOOP" : nil)
        if let action, action != "NOOP", action != "ARCHIVE" {
            throw GuardDutyError.badRequest("The request is rejected because action '\(action.prefix(20))' is not NOOP or ARCHIVE.")
        }
        if creating, request.findingCriteria?.criterion?.isEmpty ?? true {
            throw GuardDutyError.badRequest("The request is rejected because findingCriteria must have at least one criterion.")
        }
        if let criteria = request.findingCriteria {
            try CriteriaRules.check(try criteria.terms(allowMatches: true))
        }
        return (action, request.findingCriteria)
    }

    /// A detector with `count` filters may get one more only below the quota.
    public static func roomForAnother(count: Int) throws {
        guard count < Self.maxFilters else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the detector already has \(count) filters; at most \(Self.maxFilters) are allowed."
            )
        }
    }

    /// Without a rank, a new filter goes last (at most 100).
    public static func rank(requested: Int?, existingCount: Int) -> Int {
        requested ?? min(existingCount + 1, 100)
    }

    public static func nameTaken(_ name: String) -> GuardDutyError {
        .badRequest("The request is rejected because a filter named \(name) already exists for this detector.")
    }

    public static func notFound(_ name: String, detectorId: String) -> GuardDutyError {
        .notFound("The request is rejected because the filter \(name) does not exist for detector \(detectorId).")
    }
}
