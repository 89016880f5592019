import GuardDutyModel
import Testing

/// Criteria values by attribute kind, filters and statistics requests, without a database.
@Suite("Criteria, filters and statistics")
struct CriteriaRulesTests {
    static func term(_ path: String, _ test: CriterionTest) -> CriterionTerm { CriterionTerm(path: path, test: test) }

    /// (path, test, accepted?) — the kinds decide which tests and values an attribute takes.
    static let table: [(String, CriterionTest, Bool)] = [
        ("severity", .equals(["7", "8.5"]), true), ("severity", .equals(["high"]), false), ("severity", .greaterThan(4), true),
        ("severity", .matches(["7*"]), false), ("service.count", .lessThan(3), true),
        ("updatedAt", .equals(["1700000000000"]), true), ("updatedAt", .equals(["yesterday"]), false),
        ("updatedAt", .greaterThan(253_402_300_800_000), false), ("updatedAt", .matches(["1*"]), false),
        ("service.archived", .equals(["TRUE", "false"]), true), ("service.archived", .equals(["yes"]), false),
        ("service.archived", .greaterThan(0), false), ("type", .matches(["Recon:*"]), true), ("type", .lessThan(1), false),
        ("resource.instanceDetails.instanceId", .greaterThan(1), true), ("service.action.actionType", .matches(["*"]), true),
    ]

    @Test func valuesAreCheckedAgainstTheAttributesKind() {
        for (path, test, accepted) in Self.table {
            if accepted {
                #expect(throws: Never.self, "\(path) \(test)") { try CriteriaRules.check(Self.term(path, test)) }
            } else {
                #expect(throws: GuardDutyError.self, "\(path) \(test)") { try CriteriaRules.check(Self.term(path, test)) }
            }
        }
    }

    @Test func theWordingNamesTheAttributeAndWhatItTakes() {
        #expect(throws: GuardDutyError.badRequest("The request is rejected because 'high' is not a number for severity.")) {
            try CriteriaRules.check(Self.term("severity", .equals(["high"])))
        }
        #expect(throws: CriteriaRules.notOrdered("type")) { try CriteriaRules.check(Self.term("type", .greaterThan(1))) }
        #expect(throws: CriteriaRules.notText("severity")) { try CriteriaRules.check(Self.term("severity", .matches(["1"]))) }
    }

    @Test func attributeKindsFollowTheFindingSchema() {
        #expect(FindingAttributeKind.of("severity") == .number)
        #expect(FindingAttributeKind.of("createdAt") == .timestamp)
        #expect(FindingAttributeKind.of("service.archived") == .boolean)
        #expect(FindingAttributeKind.of("resource.resourceType") == .text)
        #expect(FindingAttributeKind.of("service.action.networkConnectionAction.localPortDetails.port") == .document)
    }

    static let criteria = FindingCriteria(criterion: ["severity": Condition(greaterThan: 4)])

    @Test func filtersNeedCriteriaAndAKnownAction() throws {
        let created = try FilterRules.create(FilterRequest(name: "my-filter", findingCriteria: Self.criteria))
        #expect(created.name == "my-filter")
        #expect(created.action == "NOOP")
        #expect(throws: GuardDutyError.self) { try FilterRules.create(FilterRequest(name: "my-filter", findingCriteria: nil)) }
        #expect(throws: GuardDutyError.self) { try FilterRules.create(FilterRequest(name: "x", findingCriteria: Self.criteria)) }
        #expect(throws: GuardDutyError.self) {
            try FilterRules.validate(FilterRequest(name: nil, action: "DELETE", findingCriteria: nil), creating: false)
        }
        #expect(throws: GuardDutyError.self) { try FilterRules.validate(FilterRequest(name: nil, rank: 101, findingCriteria: nil), creating: false) }
        let bad = FindingCriteria(criterion: ["severity": Condition(equals: ["high"])])
        #expect(throws: GuardDutyError.self) { try FilterRules.validate(FilterRequest(name: nil, findingCriteria: bad), creating: false) }
    }

    @Test func aDetectorHoldsAtMostOneHundredFiltersAndNewOnesGoLast() throws {
        #expect(throws: Never.self) { try FilterRules.roomForAnother(count: 99) }
        #expect(throws: GuardDutyError.self) { try FilterRules.roomForAnother(count: 100) }
        #expect(FilterRules.rank(requested: nil, existingCount: 4) == 5)
        #expect(FilterRules.rank(requested: 2, existingCount: 4) == 2)
        #expect(FilterRules.rank(requested: nil, existingCount: 100) == 100)
    }

    @Test func statisticsRequestsGroupOrCountBySeverity() throws {
        let grouped = try FindingStatisticsPlan(GetFindingsStatisticsRequest(groupBy: "FINDING_TYPE", orderBy: "ASC", maxResults: 10))
        #expect(try grouped.grouping() == .findingType)
        #expect(grouped.maxResults == 10)
        #expect(!grouped.descending)
        let legacy = try FindingStatisticsPlan(GetFindingsStatisticsRequest(findingStatisticTypes: ["COUNT_BY_SEVERITY"]))
        #expect(try legacy.grouping() == nil)
        #expect(legacy.maxResults == 25)
        #expect(throws: GuardDutyError.self) { try FindingStatisticsPlan(GetFindingsStatisticsRequest()) }
        #expect(throws: GuardDutyError.self) { try FindingStatisticsPlan(GetFindingsStatisticsRequest(findingStatisticTypes: ["OTHER"])) }
        #expect(throws: GuardDutyError.self) {
            try FindingStatisticsPlan(GetFindingsStatisticsRequest(findingStatisticTypes: ["COUNT_BY_SEVERITY"], maxResults: 5))
        }
        #expect(throws: GuardDutyError.self) { try FindingStatisticsPlan(GetFindingsStatisticsRequest(groupBy: "DATE", maxResults: 101)) }
        #expect(throws: GuardDutyError.self) { try FindingStatisticsPlan(GetFindingsStatisticsRequest(groupBy: "DATE", orderBy: "UP")) }
        #expect(throws: GuardDutyError.self) { try FindingStatisticsPlan(GetFindingsStatisticsRequest(groupBy: "WEEK")).grouping() }
    }

    @Test func sortsNameAFindingAttributeAndAscendOrDescend() throws {
        #expect(try SortRules.check(nil) == nil)
        #expect(try SortRules.check(SortCriteria()) == nil)
        let descending = try #require(try SortRules.check(SortCriteria(orderBy: "DESC")))
        #expect(descending.attribute == "updatedAt")
        #expect(descending.descending)
        #expect(try SortRules.check(SortCriteria(attributeName: "severity"))?.descending == false)
        #expect(throws: GuardDutyError.self) { try SortRules.check(SortCriteria(orderBy: "down")) }
        #expect(throws: GuardDutyError.self) { try SortRules.check(SortCriteria(attributeName: "not a path")) }
    }

    @Test func ungrantedBucketsAreRefusedNamingTheOperatorsCommand() {
        #expect(throws: Never.self) { try S3GrantRules.requireGranted(true, accountId: "111111111111", bucket: "b", purpose: "read lists from") }
        #expect(
            throws: GuardDutyError.badRequest(
                "The request is rejected because account 111111111111 may not read lists from S3 bucket b: "
                    + "the operator grants buckets with 'guardpost-admin s3 allow'."
            )
        ) {
            try S3GrantRules.requireGranted(false, accountId: "111111111111", bucket: "b", purpose: "read lists from")
        }
    }

    @Test func destinationsAreS3BucketArnsWithAnOptionalPrefix() throws {
        let parsed = try PublishingDestinationRules.parseArn("arn:aws:s3:::my-bucket/some/prefix/")
        #expect(parsed.bucket == "my-bucket")
        #expect(parsed.prefix == "some/prefix")
        #expect(try PublishingDestinationRules.parseArn("arn:aws:s3:::my-bucket").prefix == "")
        #expect(throws: GuardDutyError.self) { try PublishingDestinationRules.parseArn("arn:aws:sns:::topic") }
        #expect(throws: GuardDutyError.self) { try PublishingDestinationRules.parseArn("arn:aws:s3:::UPPER") }
        #expect(throws: Never.self) { try PublishingDestinationRules.roomForAnother(count: 0) }
        #expect(throws: GuardDutyError.self) { try PublishingDestinationRules.roomForAnother(count: 1) }
    }

    @Test func listsAreManagedByAccountsWithoutAnAdministratorWithinTheKindsQuota() {
        #expect(throws: Never.self) { try ListRules.requireManager(administrator: nil) }
        #expect(throws: GuardDutyError.self) { try ListRules.requireManager(administrator: "222222222222") }
        #expect(throws: Never.self) { try ListRules.roomForAnother(.threatIntelSet, count: 5) }
        #expect(throws: GuardDutyError.self) { try ListRules.roomForAnother(.threatIntelSet, count: 6) }
        #expect(throws: GuardDutyError.self) { try ListRules.roomForAnother(.ipSet, count: 1) }
    }

    @Test func agentsAreBoundedPerAccountAndUsageCountsOncePerSequence() {
        #expect(throws: Never.self) { try AgentRules.roomForAnother(count: 999, limit: 1000, accountId: "111111111111", region: "us-east-1") }
        #expect(throws: GuardDutyError.self) {
            try AgentRules.roomForAnother(count: 1000, limit: 1000, accountId: "111111111111", region: "us-east-1")
        }
        #expect(AgentRules.countsUsage(sequence: nil, applied: 5))
        #expect(AgentRules.countsUsage(sequence: 6, applied: 5))
        #expect(!AgentRules.countsUsage(sequence: 5, applied: 5))
        #expect(AgentRules.countsUsage(sequence: 1, applied: nil))
    }
}
