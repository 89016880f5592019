import Foundation
import GuardDutyModel
import Hummingbird

/// ListCoverage and GetCoverageStatistics over the agents' heartbeats: each agent is a covered resource (type EC2,
/// its host as the instance, its version as the agent version), HEALTHY when heard from within 60 seconds.
public struct CoverageAPI: Sendable {
    let store: any AgentChannelStore

    public init(store: any AgentChannelStore) {
        self.store = store
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/coverage") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(CoverageRequest.self, from: context)
            let maxResults = body.maxResults ?? 50
            guard (1...50).contains(maxResults) else {
                throw GuardDutyError.badRequest("The request is rejected because maxResults \(maxResults) is out of range: it must be from 1 to 50.")
            }
            var resources = try Self.filter(try await self.store.coverage(caller: caller, detectorId: try GuardDutyAPI.detectorId(context)), body.filterCriteria)
            try Self.sort(&resources, body.sortCriteria)
            let offset = try PageToken.decode(body.nextToken).map { token -> Int in
                guard let value = Int(token), value >= 0 else { throw GuardDutyError.badRequest("The request is rejected because the nextToken is not valid.") }
                return value
            } ?? 0
            let page = Array(resources.dropFirst(offset).prefix(maxResults))
            let next = offset + page.count < resources.count ? PageToken.encode(String(offset + page.count)) : nil
            struct Output: Encodable { var resources: [CoverageResource]; var nextToken: String? }
            return try APIBody.json(Output(resources: page, nextToken: next))
        }
        group.post("/detector/:detectorId/coverage/statistics") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(CoverageRequest.self, from: context)
            let types = body.statisticsType ?? []
            guard !types.isEmpty, types.allSatisfy({ $0 == "COUNT_BY_RESOURCE_TYPE" || $0 == "COUNT_BY_COVERAGE_STATUS" }) else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because statisticsType must list COUNT_BY_RESOURCE_TYPE and/or COUNT_BY_COVERAGE_STATUS."
                )
            }
            let resources = try Self.filter(try await self.store.coverage(caller: caller, detectorId: try GuardDutyAPI.detectorId(context)), body.filterCriteria)
            var statistics: [String: [String: Int]] = [:]
            if types.contains("COUNT_BY_RESOURCE_TYPE") {
                statistics["countByResourceType"] = Dictionary(grouping: resources, by: \.resourceDetails.resourceType).mapValues(\.count)
            }
            if types.contains("COUNT_BY_COVERAGE_STATUS") {
                statistics["countByCoverageStatus"] = Dictionary(grouping: resources, by: \.coverageStatus).mapValues(\.count)
            }
            return try APIBody.json(["coverageStatistics": statistics])
        }
    }

    static func value(_ resource: CoverageResource, _ key: String) throws -> String {
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

    static func filter(_ resources: [CoverageResource], _ criteria: CoverageRequest.FilterCriteria?) throws -> [CoverageResource] {
        var result = resources
        for criterion in criteria?.filterCriterion ?? [] {
            guard let key = criterion.criterionKey, let condition = criterion.filterCondition, condition.equals != nil || condition.notEquals != nil else {
                throw GuardDutyError.badRequest("The request is rejected because a coverage filter criterion needs criterionKey and equals or notEquals.")
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

    static func sort(_ resources: inout [CoverageResource], _ criteria: SortCriteria?) throws {
        guard let criteria else { return }
        let key = criteria.attributeName ?? "ACCOUNT_ID"
        let descending = (criteria.orderBy ?? "ASC") == "DESC"
        let keyed = try resources.map { (try Self.value($0, key), $0) }
        resources = keyed.sorted { descending ? ($0.0, $0.1.resourceId) > ($1.0, $1.1.resourceId) : ($0.0, $0.1.resourceId) < ($1.0, $1.1.resourceId) }.map(\.1)
    }
}
