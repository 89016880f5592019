import Foundation

/// ListCoverage's and GetCoverageStatistics' semantics over the covered resources (one per agent): the criterion
/// keys, `equals`/`notEquals` filtering, sorting, the page size and the two statistics. Pure: the store loads the
/// resources, this decides what the caller sees.
public enum CoverageQuery {
    /// ListCoverage's page size: 1…50, 50 when absent.
    public static func pageSize(_ maxResults: Int?) throws -> Int {
        try Validate.maxResults(maxResults)
    }

    /// The value a criterion or sort key reads from a resource; keys of other resource types read as empty.
    public static func value(_ resource: CoverageResource, _ key: String) throws -> String {
        switch key {
        case "ACCOUNT_ID": return resource.accountId
        case "RESOURCE_TYPE": return resource.resourceDetails.resourceType
        case "COVERAGE_STATUS": return resource.coverageStatus
        case "INSTANCE_ID": return resource.resourceDetails.ec2InstanceDetails.instanceId
        case "AGENT_VERSION": return resource.resourceDetails.ec2InstanceDetails.agentDetails.version
        case "MANAGEMENT_TYPE": return resource.resourceDetails.ec2InstanceDetails.managementType
        case "ISSUE": return resource.issue ?? ""
        case "UPDATED_AT": return String(format: "%020.3f", resource.updatedAt)
        case "ADDON_VERSION", "CLUSTER_NAME", "ECS_CLUSTER_NAME", "EKS_CLUSTER_NAME", "CLUSTER_ARN": return ""
        default:
            throw GuardDutyError.badRequest("The request is rejected because '\(key.prefix(40))' is not a coverage criterion key.")
        }
    }

    /// The resources every criterion accepts.
    public static func filter(_ resources: [CoverageResource], _ criteria: CoverageRequest.FilterCriteria?) throws -> [CoverageResource] {
        var result = resources
        for criterion in criteria?.filterCriterion ?? [] {
            guard let key = criterion.criterionKey, let condition = criterion.filterCondition, condition.equals != nil || condition.notEquals != nil
            else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because a coverage filter criterion needs criterionKey and equals or notEquals."
                )
            }
            result = try result.filter { resource in
                let value = try Self.value(resource, key)
                if let equals = condition.equals, !equals.contains(value) { return false }
                if let notEquals = condition.notEquals, notEquals.contains(value) { return false }
                return true
            }
        }
        return result
    }

    /// Sorted by the attribute (ACCOUNT_ID by default), ties by resource id, ascending unless DESC.
    public static func sort(_ resources: inout [CoverageResource], _ criteria: SortCriteria?) throws {
        guard let criteria else { return }
        let key = criteria.attributeName ?? "ACCOUNT_ID"
        let descending = (criteria.orderBy ?? "ASC") == "DESC"
        let keyed = try resources.map { (try Self.value($0, key), $0) }
        resources = keyed.sorted {
            descending ? ($0.0, $0.1.resourceId) > ($1.0, $1.1.resourceId) : ($0.0, $0.1.resourceId) < ($1.0, $1.1.resourceId)
        }.map(\.1)
    }

    /// GetCoverageStatistics' `statisticsType`: one or both of COUNT_BY_RESOURCE_TYPE and COUNT_BY_COVERAGE_STATUS.
    public static func statisticsTypes(_ types: [String]?) throws -> [String] {
        let types = types ?? []
        guard !types.isEmpty, types.allSatisfy({ $0 == "COUNT_BY_RESOURCE_TYPE" || $0 == "COUNT_BY_COVERAGE_STATUS" }) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because statisticsType must list COUNT_BY_RESOURCE_TYPE and/or COUNT_BY_COVERAGE_STATUS."
            )
        }
        return types
    }

    /// GetCoverageStatistics: the counts the (validated) statistics types ask for.
    public static func statistics(_ resources: [CoverageResource], types: [String]) -> [String: [String: Int]] {
        var statistics: [String: [String: Int]] = [:]
        if types.contains("COUNT_BY_RESOURCE_TYPE") {
            statistics["countByResourceType"] = Dictionary(grouping: resources, by: \.resourceDetails.resourceType).mapValues(\.count)
        }
        if types.contains("COUNT_BY_COVERAGE_STATUS") {
            statistics["countByCoverageStatus"] = Dictionary(grouping: resources, by: \.coverageStatus).mapValues(\.count)
        }
        return statistics
    }
}
