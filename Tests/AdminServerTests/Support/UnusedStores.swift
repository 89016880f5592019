import AdminServer
import GuardDutyModel

/// Every store the router tests do not use: each method refuses.
struct UnusedStores: MemberStore, OrganizationStore, ListStore, FindingStore, AgentChannelStore, PublishingDestinationStore {
    func createMembers(caller: Caller, detectorId: String, accounts: [AccountDetail]) async throws -> [UnprocessedAccount] {
        throw StoreError.invalid("not in this test")
    }
    func inviteMembers(caller: Caller, detectorId: String, accountIds: [String], message: String?) async throws -> [UnprocessedAccount] {
        throw StoreError.invalid("not in this test")
    }
    func getMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> GetMembersResponse {
        throw StoreError.invalid("not in this test")
    }
    func listMembers(caller: Caller, detectorId: String, onlyAssociated: Bool, maxResults: Int, nextToken: String?) async throws -> Page<Member> {
        throw StoreError.invalid("not in this test")
    }
    func disassociateMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> [UnprocessedAccount] {
        throw StoreError.invalid("not in this test")
    }
    func deleteMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> [UnprocessedAccount] {
        throw StoreError.invalid("not in this test")
    }
    func setMonitoring(caller: Caller, detectorId: String, accountIds: [String], enabled: Bool) async throws -> [UnprocessedAccount] {
        throw StoreError.invalid("not in this test")
    }
    func getMemberDetectors(caller: Caller, detectorId: String, accountIds: [String]) async throws -> GetMemberDetectorsResponse {
        throw StoreError.invalid("not in this test")
    }
    func updateMemberDetectors(caller: Caller, detectorId: String, request: UpdateMemberDetectorsRequest) async throws -> [UnprocessedAccount] {
        throw StoreError.invalid("not in this test")
    }
    func listInvitations(caller: Caller, maxResults: Int, nextToken: String?) async throws -> Page<Invitation> {
        throw StoreError.invalid("not in this test")
    }
    func invitationsCount(caller: Caller) async throws -> Int { throw StoreError.invalid("not in this test") }
    func acceptInvitation(caller: Caller, detectorId: String, administratorId: String, invitationId: String) async throws {
        throw StoreError.invalid("not in this test")
    }
    func declineInvitations(caller: Caller, administratorIds: [String]) async throws -> [UnprocessedAccount] {
        throw StoreError.invalid("not in this test")
    }
    func deleteInvitations(caller: Caller, administratorIds: [String]) async throws -> [UnprocessedAccount] {
        throw StoreError.invalid("not in this test")
    }
    func administrator(caller: Caller, detectorId: String) async throws -> AdministratorInfo? { throw StoreError.invalid("not in this test") }
    func disassociateFromAdministrator(caller: Caller, detectorId: String) async throws { throw StoreError.invalid("not in this test") }
    func enableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws { throw StoreError.invalid("not in this test") }
    func disableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws { throw StoreError.invalid("not in this test") }
    func listOrganizationAdmins(caller: Caller) async throws -> [AdminAccount] { throw StoreError.invalid("not in this test") }
    func updateOrganizationConfiguration(caller: Caller, detectorId: String, request: UpdateOrganizationConfigurationRequest) async throws {
        throw StoreError.invalid("not in this test")
    }
    func describeOrganizationConfiguration(caller: Caller, detectorId: String) async throws -> DescribeOrganizationConfigurationResponse {
        throw StoreError.invalid("not in this test")
    }
    func organizationStatistics(caller: Caller) async throws -> GetOrganizationStatisticsResponse {
        throw StoreError.invalid("not in this test")
    }
    func createList(caller: Caller, detectorId: String, kind: ListKind, request: CreateListRequest) async throws -> String {
        throw StoreError.invalid("not in this test")
    }
    func getList(caller: Caller, detectorId: String, kind: ListKind, listId: String) async throws -> GetListResponse {
        throw StoreError.invalid("not in this test")
    }
    func updateList(caller: Caller, detectorId: String, kind: ListKind, listId: String, request: UpdateListRequest) async throws {
        throw StoreError.invalid("not in this test")
    }
    func deleteList(caller: Caller, detectorId: String, kind: ListKind, listId: String) async throws { throw StoreError.invalid("not in this test") }
    func listLists(caller: Caller, detectorId: String, kind: ListKind, maxResults: Int, nextToken: String?) async throws -> Page<String> {
        throw StoreError.invalid("not in this test")
    }
    func claimActivation(leaseSeconds: Int) async throws -> ListActivationJob? { throw StoreError.invalid("not in this test") }
    func s3BucketGranted(account: String, bucket: String) async throws -> Bool { throw StoreError.invalid("not in this test") }
    func finishActivation(_ job: ListActivationJob, outcome: ListActivationOutcome) async throws { throw StoreError.invalid("not in this test") }
    func listContent(sha256: String) async throws -> String? { throw StoreError.invalid("not in this test") }
    func ingest(caller: Caller, detectorId: String, findings: [FindingHeader], documents: [String]) async throws -> IngestSummary {
        throw StoreError.invalid("not in this test")
    }
    func listFindings(caller: Caller, detectorId: String, request: ListFindingsRequest) async throws -> ListFindingsResponse {
        throw StoreError.invalid("not in this test")
    }
    func getFindings(caller: Caller, detectorId: String, ids: [String], sort: SortCriteria?) async throws -> [String] {
        throw StoreError.invalid("not in this test")
    }
    func statistics(caller: Caller, detectorId: String, request: GetFindingsStatisticsRequest) async throws -> FindingStatistics {
        throw StoreError.invalid("not in this test")
    }
    func setArchived(caller: Caller, detectorId: String, ids: [String], archived: Bool) async throws { throw StoreError.invalid("not in this test") }
    func setFeedback(caller: Caller, detectorId: String, ids: [String], feedback: String) async throws {
        throw StoreError.invalid("not in this test")
    }
    func createSampleFindings(caller: Caller, detectorId: String, types: [String]?) async throws { throw StoreError.invalid("not in this test") }
    func createFilter(caller: Caller, detectorId: String, request: FilterRequest) async throws -> String {
        throw StoreError.invalid("not in this test")
    }
    func getFilter(caller: Caller, detectorId: String, name: String) async throws -> GetFilterResponse {
        throw StoreError.invalid("not in this test")
    }
    func updateFilter(caller: Caller, detectorId: String, name: String, request: FilterRequest) async throws -> String {
        throw StoreError.invalid("not in this test")
    }
    func deleteFilter(caller: Caller, detectorId: String, name: String) async throws { throw StoreError.invalid("not in this test") }
    func listFilters(caller: Caller, detectorId: String, maxResults: Int, nextToken: String?) async throws -> Page<String> {
        throw StoreError.invalid("not in this test")
    }
    func agentConfig(caller: Caller, detectorId: String) async throws -> AgentConfig { throw StoreError.invalid("not in this test") }
    func listInForce(caller: Caller, sha256: String) async throws -> Bool { throw StoreError.invalid("not in this test") }
    func heartbeat(caller: Caller, heartbeat: AgentHeartbeat) async throws { throw StoreError.invalid("not in this test") }
    func coverage(caller: Caller, detectorId: String) async throws -> [CoverageResource] { throw StoreError.invalid("not in this test") }
    func usage(caller: Caller, detectorId: String) async throws -> [UsageRow] { throw StoreError.invalid("not in this test") }
    func create(caller: Caller, detectorId: String, request: CreatePublishingDestinationRequest) async throws -> String {
        throw StoreError.invalid("not in this test")
    }
    func describe(caller: Caller, detectorId: String, destinationId: String) async throws -> DescribePublishingDestinationResponse {
        throw StoreError.invalid("not in this test")
    }
    func update(caller: Caller, detectorId: String, destinationId: String, properties: DestinationProperties?) async throws {
        throw StoreError.invalid("not in this test")
    }
    func delete(caller: Caller, detectorId: String, destinationId: String) async throws { throw StoreError.invalid("not in this test") }
    func list(caller: Caller, detectorId: String, maxResults: Int, nextToken: String?) async throws -> Page<PublishingDestinationSummary> {
        throw StoreError.invalid("not in this test")
    }
}
