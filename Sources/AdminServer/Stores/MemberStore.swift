import GuardDutyModel

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
