/// Requests and responses of the findings and filter operations (botocore shapes, camelCase JSON names).

public struct ListFindingsRequest: Codable, Sendable {
    public var findingCriteria: FindingCriteria?
    public var sortCriteria: SortCriteria?
    public var maxResults: Int?
    public var nextToken: String?

    public init(findingCriteria: FindingCriteria? = nil, sortCriteria: SortCriteria? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.findingCriteria = findingCriteria
        self.sortCriteria = sortCriteria
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct ListFindingsResponse: Codable, Sendable {
    public var findingIds: [String]
    public var nextToken: String?
    public init(findingIds: [String], nextToken: String?) {
        self.findingIds = findingIds
        self.nextToken = nextToken
    }
}

public struct GetFindingsRequest: Codable, Sendable {
    public var findingIds: [String]?
    public var sortCriteria: SortCriteria?
}

public struct FindingIdsRequest: Codable, Sendable {
    public var findingIds: [String]?
}

public struct UpdateFindingsFeedbackRequest: Codable, Sendable {
    public var findingIds: [String]?
    public var feedback: String?
    public var comments: String?
}

public struct CreateSampleFindingsRequest: Codable, Sendable {
    public var findingTypes: [String]?
}

public struct GetFindingsStatisticsRequest: Codable, Sendable {
    public var findingStatisticTypes: [String]?
    public var findingCriteria: FindingCriteria?
    public var groupBy: String?
    public var orderBy: String?
    public var maxResults: Int?

    public init(
        findingStatisticTypes: [String]? = nil, findingCriteria: FindingCriteria? = nil, groupBy: String? = nil, orderBy: String? = nil,
        maxResults: Int? = nil
    ) {
        self.findingStatisticTypes = findingStatisticTypes
        self.findingCriteria = findingCriteria
        self.groupBy = groupBy
        self.orderBy = orderBy
        self.maxResults = maxResults
    }
}

/// One group of GetFindingsStatistics (the members a group type uses are set, the others nil).
public struct FindingStatisticsGroup: Codable, Sendable, Equatable {
    public var accountId: String?
    public var date: Double?
    public var findingType: String?
    public var resourceId: String?
    public var resourceType: String?
    public var severity: Double?
    /// Epoch seconds, as rest-json writes timestamps.
    public var lastGeneratedAt: Double?
    public var totalFindings: Int

    public init(totalFindings: Int) {
        self.totalFindings = totalFindings
    }
}

public struct FindingStatistics: Codable, Sendable, Equatable {
    public var countBySeverity: [String: Int]?
    public var groupedByAccount: [FindingStatisticsGroup]?
    public var groupedByDate: [FindingStatisticsGroup]?
    public var groupedByFindingType: [FindingStatisticsGroup]?
    public var groupedByResource: [FindingStatisticsGroup]?
    public var groupedBySeverity: [FindingStatisticsGroup]?
    public init() {}
}

public struct GetFindingsStatisticsResponse: Codable, Sendable {
    public var findingStatistics: FindingStatistics
    public init(findingStatistics: FindingStatistics) { self.findingStatistics = findingStatistics }
}

/// CreateFilter's body; UpdateFilter's body is the same without name, clientToken and tags.
public struct FilterRequest: Codable, Sendable {
    public var name: String?
    public var description: String?
    public var action: String?
    public var rank: Int?
    public var findingCriteria: FindingCriteria?
    public var clientToken: String?
    public var tags: [String: String]?

    public init(name: String?, description: String? = nil, action: String? = nil, rank: Int? = nil, findingCriteria: FindingCriteria?) {
        self.name = name
        self.description = description
        self.action = action
        self.rank = rank
        self.findingCriteria = findingCriteria
    }
}

public struct GetFilterResponse: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var action: String
    public var rank: Int
    public var findingCriteria: FindingCriteria
    public var tags: [String: String]?

    public init(name: String, description: String?, action: String, rank: Int, findingCriteria: FindingCriteria, tags: [String: String]?) {
        self.name = name
        self.description = description
        self.action = action
        self.rank = rank
        self.findingCriteria = findingCriteria
        self.tags = tags
    }
}

extension Validate {
    /// Finding ids: 1 to 50 (ListFindings pages, GetFindings, archive, feedback), each 1–300 characters.
    public static func findingIds(_ ids: [String]?) throws -> [String] {
        guard let ids, !ids.isEmpty, ids.count <= 50 else {
            throw GuardDutyError.badRequest("The request is rejected because findingIds must list 1 to 50 finding ids.")
        }
        for id in ids where id.isEmpty || id.utf8.count > 300 {
            throw GuardDutyError.badRequest("The request is rejected because the finding id '\(id.prefix(64))' is not 1 to 300 characters.")
        }
        return ids
    }

    /// Filter names: 3–64 characters of letters, digits, '.', '_' and '-'.
    public static func filterName(_ name: String?) throws -> String {
        guard let name, (3...64).contains(name.utf8.count),
            name.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || (($0 | 0x20) >= 97 && ($0 | 0x20) <= 122) || $0 == 46 || $0 == 95 || $0 == 45 })
        else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the filter name '\((name ?? "").prefix(80))' is invalid: use 3 to 64 letters, digits, '.', '_' or '-'."
            )
        }
        return name
    }
}
