/// A checked GetFindingsStatistics request: the criteria terms, how to group (or the legacy COUNT_BY_SEVERITY),
/// the number of groups and their order.
public struct FindingStatisticsPlan: Sendable, Equatable {
    /// GuardDuty's `groupBy` values.
    public enum Grouping: String, Sendable, CaseIterable {
        case account = "ACCOUNT"
        case date = "DATE"
        case findingType = "FINDING_TYPE"
        case resource = "RESOURCE"
        case severity = "SEVERITY"
    }

    public var terms: [CriterionTerm]
    /// The requested `groupBy` as given; `grouping()` reads it.
    public var groupBy: String?
    /// Groups returned: 1 to 100, 25 when absent.
    public var maxResults: Int
    public var descending: Bool

    public init(_ request: GetFindingsStatisticsRequest) throws {
        self.terms = try (request.findingCriteria ?? FindingCriteria()).terms(allowMatches: false)
        let legacy = request.findingStatisticTypes ?? []
        for type in legacy where type != "COUNT_BY_SEVERITY" {
            throw GuardDutyError.badRequest(
                "The request is rejected because findingStatisticTypes value '\(type.prefix(40))' is not COUNT_BY_SEVERITY."
            )
        }
        guard request.groupBy != nil || !legacy.isEmpty else {
            throw GuardDutyError.badRequest("The request is rejected because neither groupBy nor findingStatisticTypes is given.")
        }
        if request.groupBy == nil, request.orderBy != nil || request.maxResults != nil {
            throw GuardDutyError.badRequest("The request is rejected because orderBy and maxResults are valid only with groupBy.")
        }
        self.maxResults = request.maxResults ?? 25
        guard (1...100).contains(self.maxResults) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because maxResults \(self.maxResults) is out of range: it must be from 1 to 100."
            )
        }
        switch request.orderBy ?? "DESC" {
        case "ASC": self.descending = false
        case "DESC": self.descending = true
        default:
            throw GuardDutyError.badRequest(
                "The request is rejected because orderBy '\((request.orderBy ?? "").prefix(20))' is not ASC or DESC."
            )
        }
        self.groupBy = request.groupBy
    }

    /// The grouping, nil for the legacy COUNT_BY_SEVERITY; an unknown `groupBy` is refused (checked after the
    /// detector, as GuardDuty answers an unknown detector first).
    public func grouping() throws -> Grouping? {
        guard let groupBy = self.groupBy else { return nil }
        guard let grouping = Grouping(rawValue: groupBy) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because groupBy '\(groupBy.prefix(40))' is not one of ACCOUNT, DATE, FINDING_TYPE, RESOURCE, SEVERITY."
            )
        }
        return grouping
    }
}
