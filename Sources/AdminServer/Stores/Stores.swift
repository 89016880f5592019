import GuardDutyModel

/// The organisation's accounts and their access keys.
public protocol AccountStore: Sendable {
    /// Creates the account with a first access key, and applies organisation auto-enable (NEW/ALL) to it.
    func createAccount(accountId: String, email: String, name: String?, organizationManagement: Bool) async throws -> IssuedAccessKey
    func createAccessKey(accountId: String) async throws -> IssuedAccessKey
    func revokeAccessKey(accessKeyId: String) async throws
    func listAccounts() async throws -> [AccountSummary]
    /// The key with its decrypted secret, or nil when there is no such key.
    func accessKey(id: String) async throws -> AccessKeyRecord?
}

/// The regions the server serves.
public protocol RegionStore: Sendable {
    func listRegions() async throws -> [RegionRecord]
    func setRegion(_ name: String, enabled: Bool) async throws
}

/// Detectors: one per account and region, with settings and tags.
public protocol DetectorStore: Sendable {
    func createDetector(caller: Caller, request: CreateDetectorRequest) async throws -> String
    /// The detector with its effective settings (the administrator's, for an associated member).
    func getDetector(caller: Caller, detectorId: String) async throws -> GetDetectorResponse
    func updateDetector(caller: Caller, detectorId: String, request: UpdateDetectorRequest) async throws
    func deleteDetector(caller: Caller, detectorId: String) async throws
    func listDetectors(caller: Caller, maxResults: Int, nextToken: String?) async throws -> Page<String>
    func tags(caller: Caller, resourceArn: String) async throws -> [String: String]
    func tagResource(caller: Caller, resourceArn: String, tags: [String: String]) async throws
    func untagResource(caller: Caller, resourceArn: String, tagKeys: [String]) async throws
}

/// Administrator/member relationships and invitations.
public protocol MemberStore: Sendable {
    func createMembers(caller: Caller, detectorId: String, accounts: [AccountDetail]) async throws -> [UnprocessedAccount]
    func inviteMembers(caller: Caller, detectorId: String, accountIds: [String], message: String?) async throws -> [UnprocessedAccount]
    func getMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> GetMembersResponse
    func listMembers(caller: Caller, detectorId: String, onlyAssociated: Bool, maxResults: Int, nextToken: String?) async throws -> Page<Member>
    func disassociateMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> [UnprocessedAccount]
    func deleteMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> [UnprocessedAccount]
    func setMonitoring(caller: Caller, detectorId: String, accountIds: [String], enabled: Bool) async throws -> [UnprocessedAccount]
    func getMemberDetectors(caller: Caller, detectorId: String, accountIds: [String]) async throws -> GetMemberDetectorsResponse
    func updateMemberDetectors(caller: Caller, detectorId: String, request: UpdateMemberDetectorsRequest) async throws -> [UnprocessedAccount]

    func listInvitations(caller: Caller, maxResults: Int, nextToken: String?) async throws -> Page<Invitation>
    func invitationsCount(caller: Caller) async throws -> Int
    func acceptInvitation(caller: Caller, detectorId: String, administratorId: String, invitationId: String) async throws
    func declineInvitations(caller: Caller, administratorIds: [String]) async throws -> [UnprocessedAccount]
    func deleteInvitations(caller: Caller, administratorIds: [String]) async throws -> [UnprocessedAccount]
    func administrator(caller: Caller, detectorId: String) async throws -> AdministratorInfo?
    func disassociateFromAdministrator(caller: Caller, detectorId: String) async throws
}

/// The organisation path: the delegated administrator and its auto-enable settings.
public protocol OrganizationStore: Sendable {
    func enableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws
    func disableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws
    func listOrganizationAdmins(caller: Caller) async throws -> [AdminAccount]
    func updateOrganizationConfiguration(caller: Caller, detectorId: String, request: UpdateOrganizationConfigurationRequest) async throws
    func describeOrganizationConfiguration(caller: Caller, detectorId: String) async throws -> DescribeOrganizationConfigurationResponse
}
