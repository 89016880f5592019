import Foundation
import GuardDutyModel
import Testing

/// ListCoverage's criteria and sorting, GetCoverageStatistics and GetUsageStatistics, as pure rules (no PostgreSQL).
@Suite struct CoverageAndUsageRulesTests {
    static let resources = [
        CoverageResource(
            agentId: "a1", hostname: "web-1", detectorId: "d", accountId: "222222222222", version: "1.0", healthy: true, issue: nil, updatedAt: 2),
        CoverageResource(
            agentId: "a2", hostname: "web-2", detectorId: "d", accountId: "111111111111", version: "1.1", healthy: false, issue: "no logs",
            updatedAt: 1),
        CoverageResource(
            agentId: "a3", hostname: "db-1", detectorId: "d", accountId: "111111111111", version: "1.1", healthy: true, issue: nil, updatedAt: 3),
    ]

    static func request(_ json: String) throws -> CoverageRequest {
        try JSONDecoder().decode(CoverageRequest.self, from: Data(json.utf8))
    }

    @Test(arguments: [
        (#"{"filterCriteria":{"filterCriterion":[{"criterionKey":"ACCOUNT_ID","filterCondition":{"equals":["111111111111"]}}]}}"#, ["a2", "a3"]),
        (#"{"filterCriteria":{"filterCriterion":[{"criterionKey":"COVERAGE_STATUS","filterCondition":{"notEquals":["HEALTHY"]}}]}}"#, ["a2"]),
        (
            #"{"filterCriteria":{"filterCriterion":[{"criterionKey":"AGENT_VERSION","filterCondition":{"equals":["1.1"]}},{"criterionKey":"INSTANCE_ID","filterCondition":{"notEquals":["db-1"]}}]}}"#,
            ["a2"]
        ),
        (#"{"filterCriteria":{"filterCriterion":[{"criterionKey":"EKS_CLUSTER_NAME","filterCondition":{"equals":[""]}}]}}"#, ["a1", "a2", "a3"]),
        (#"{}"#, ["a1", "a2", "a3"]),
    ])
    func coverageCriteriaKeepWhatTheyName(json: String, expected: [String]) throws {
        let kept = try CoverageQuery.filter(Self.resources, try Self.request(json).filterCriteria)
        #expect(kept.map(\.resourceId) == expected)
    }

    @Test(arguments: [
        #"{"filterCriteria":{"filterCriterion":[{"criterionKey":"NOT_A_KEY","filterCondition":{"equals":["x"]}}]}}"#,
        #"{"filterCriteria":{"filterCriterion":[{"criterionKey":"ACCOUNT_ID","filterCondition":{}}]}}"#,
        #"{"filterCriteria":{"filterCriterion":[{"filterCondition":{"equals":["x"]}}]}}"#,
    ])
    func malformedCoverageCriteriaAreBadRequests(json: String) throws {
        #expect(throws: GuardDutyError.self) { try CoverageQuery.filter(Self.resources, try Self.request(json).filterCriteria) }
    }

    @Test func coverageSortsByTheAttributeThenResourceIdInEitherOrder() throws {
        var ascending = Self.resources
        try CoverageQuery.sort(&ascending, SortCriteria(attributeName: "ACCOUNT_ID", orderBy: "ASC"))
        #expect(ascending.map(\.resourceId) == ["a2", "a3", "a1"])
        var descending = Self.resources
        try CoverageQuery.sort(&descending, SortCriteria(attributeName: "UPDATED_AT", orderBy: "DESC"))
        #expect(descending.map(\.resourceId) == ["a3", "a1", "a2"])
    }

    @Test func coveragePageSizeIsOneToFifty() throws {
        #expect(try CoverageQuery.pageSize(nil) == 50)
        #expect(try CoverageQuery.pageSize(1) == 1)
        #expect(throws: GuardDutyError.self) { try CoverageQuery.pageSize(0) }
        #expect(throws: GuardDutyError.self) { try CoverageQuery.pageSize(51) }
    }

    @Test func coverageStatisticsCountWhatIsAskedAndRefuseOtherTypes() throws {
        let types = try CoverageQuery.statisticsTypes(["COUNT_BY_COVERAGE_STATUS"])
        #expect(CoverageQuery.statistics(Self.resources, types: types) == ["countByCoverageStatus": ["HEALTHY": 2, "UNHEALTHY": 1]])
        #expect(throws: GuardDutyError.self) { try CoverageQuery.statisticsTypes([]) }
        #expect(throws: GuardDutyError.self) { try CoverageQuery.statisticsTypes(["COUNT_BY_RESOURCE_TYPE", "COUNT_BY_ACCOUNT"]) }
    }

    static let usage = [
        UsageRow(accountId: "111111111111", dataSource: "FLOW_LOGS", day: "2026-11-01", records: 10, bytes: 1000),
        UsageRow(accountId: "111111111111", dataSource: "S3_LOGS", day: "2026-11-01", records: 5, bytes: 9000),
        UsageRow(accountId: "222222222222", dataSource: "FLOW_LOGS", day: "2026-11-02", records: 30, bytes: 100),
        UsageRow(accountId: "222222222222", dataSource: "FLOW_LOGS", day: "2026-11-03", records: Int.max, bytes: 100),
    ]

    static func usageRequest(_ type: String?, unit: String? = nil, criteria: UsageStatisticsRequest.Criteria? = .init(), maxResults: Int? = nil)
        -> UsageStatisticsRequest
    {
        UsageStatisticsRequest(usageStatisticsType: type, usageCriteria: criteria, unit: unit, maxResults: maxResults)
    }

    @Test func usageSumsPerAccountLargestFirstAndSaturates() throws {
        let answer = try UsageStatistics.answer(Self.usageRequest("SUM_BY_ACCOUNT", unit: "RECORDS"), rows: Self.usage)
        let rows = try #require(answer.usageStatistics.sumByAccount)
        #expect(rows.map(\.accountId) == ["222222222222", "111111111111"])
        #expect(rows.map(\.total.amount) == [String(Int.max), "15"])
        #expect(answer.usageStatistics.sumByDataSource == nil)
    }

    @Test func usageInBytesPerFeatureCountsS3LogsAsS3DataEvents() throws {
        let answer = try UsageStatistics.answer(Self.usageRequest("SUM_BY_FEATURES", unit: "bytes"), rows: Self.usage)
        let rows = try #require(answer.usageStatistics.sumByFeature)
        #expect(rows.map(\.feature) == ["S3_DATA_EVENTS", "FLOW_LOGS"])
        #expect(rows.map(\.total.amount) == ["9000", "1200"])
        #expect(rows.allSatisfy { $0.total.unit == "BYTES" })
    }

    @Test func usageCriteriaAndPageSizeNarrowTheAnswer() throws {
        let request = Self.usageRequest(
            "TOP_ACCOUNTS_BY_FEATURE", unit: "RECORDS", criteria: .init(dataSources: ["FLOW_LOGS"]), maxResults: 1)
        let top = try #require(try UsageStatistics.answer(request, rows: Self.usage).usageStatistics.topAccountsByFeature)
        #expect(top.map(\.feature) == ["FLOW_LOGS"])
        #expect(top.first?.accounts.map(\.accountId) == ["222222222222"])
    }

    @Test(
        arguments: [
            ("SUM_BY_ACCOUNT", "EUR", true, 50, "unit 'EUR' is not available: use USD"),
            ("SUM_BY_ACCOUNT", nil, true, 0, "maxResults 0 is out of range"),
            (nil, nil, true, 50, "usageStatisticsType is missing"),
            ("SUM_BY_ACCOUNT", nil, false, 50, "usageCriteria is missing"),
            ("TOP_RESOURCES", nil, true, 50, "not per resource"),
            ("SUM_BY_NOTHING", nil, true, 50, "is not a GuardDuty usage statistics type"),
        ] as [(String?, String?, Bool, Int, String)])
    func usageRefusalsSayWhy(type: String?, unit: String?, hasCriteria: Bool, maxResults: Int, wording: String) throws {
        let request = Self.usageRequest(type, unit: unit, criteria: hasCriteria ? .init() : nil, maxResults: maxResults)
        do {
            _ = try UsageStatistics.answer(request, rows: Self.usage)
            Issue.record("accepted a request that should be refused (\(wording))")
        } catch let error as GuardDutyError {
            #expect(error.message.contains(wording))
        }
    }
}
