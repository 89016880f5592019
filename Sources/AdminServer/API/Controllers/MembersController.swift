import GuardDutyModel
import Hummingbird

/// The administrator's member operations under `/detector/{detectorId}/member`: Create, Invite, Get, List,
/// Disassociate, Delete, Start/StopMonitoring, GetMemberDetectors and UpdateMemberDetectors.
struct MembersController: APIController {
    let members: any MemberStore
    /// ListMembers pages, retired by every change (see `ResponseCache`).
    let pages: ResponseCache<MemberPageKey, ByteBuffer>

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/member", use: self.createMembers)
        group.get("/detector/:detectorId/member", use: self.listMembers)
        group.post("/detector/:detectorId/member/invite", use: self.inviteMembers)
        group.post("/detector/:detectorId/member/get", use: self.getMembers)
        group.post("/detector/:detectorId/member/disassociate", use: self.disassociateMembers)
        group.post("/detector/:detectorId/member/delete", use: self.deleteMembers)
        group.post("/detector/:detectorId/member/start", use: self.startMonitoringMembers)
        group.post("/detector/:detectorId/member/stop", use: self.stopMonitoringMembers)
        group.post("/detector/:detectorId/member/detector/get", use: self.getMemberDetectors)
        group.post("/detector/:detectorId/member/detector/update", use: self.updateMemberDetectors)
    }

    @Sendable func createMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(CreateMembersRequest.self, from: context)
        let unprocessed = try await self.members.createMembers(
            caller: context.caller, detectorId: try context.detectorId(), accounts: body.accountDetails)
        return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
    }

    @Sendable func listMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try ListMembersQuery(request)
        let detectorId = try context.detectorId()
        let key = MemberPageKey(
            detectorId: detectorId, onlyAssociated: query.onlyAssociated, maxResults: query.page.maxResults, nextToken: query.page.nextToken)
        let (caller, members) = (context.caller, self.members)
        let body = try await self.pages.body(key, caller: caller) {
            let page = try await members.listMembers(
                caller: caller, detectorId: key.detectorId, onlyAssociated: key.onlyAssociated, maxResults: key.maxResults,
                nextToken: key.nextToken
            )
            return try APIBody.encode(ListMembersResponse(members: page.items, nextToken: page.nextToken))
        }
        return APIBody.json(bytes: body)
    }

    @Sendable func inviteMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(InviteMembersRequest.self, from: context)
        let unprocessed = try await self.members.inviteMembers(
            caller: context.caller, detectorId: try context.detectorId(), accountIds: body.accountIds, message: body.message
        )
        return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
    }

    @Sendable func getMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(AccountIdsRequest.self, from: context)
        return try APIBody.json(
            try await self.members.getMembers(caller: context.caller, detectorId: try context.detectorId(), accountIds: body.accountIds))
    }

    @Sendable func disassociateMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.bulk(context) { try await self.members.disassociateMembers(caller: $0, detectorId: $1, accountIds: $2) }
    }

    @Sendable func deleteMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.bulk(context) { try await self.members.deleteMembers(caller: $0, detectorId: $1, accountIds: $2) }
    }

    @Sendable func startMonitoringMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.bulk(context) { try await self.members.setMonitoring(caller: $0, detectorId: $1, accountIds: $2, enabled: true) }
    }

    @Sendable func stopMonitoringMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.bulk(context) { try await self.members.setMonitoring(caller: $0, detectorId: $1, accountIds: $2, enabled: false) }
    }

    @Sendable func getMemberDetectors(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(AccountIdsRequest.self, from: context)
        return try APIBody.json(
            try await self.members.getMemberDetectors(caller: context.caller, detectorId: try context.detectorId(), accountIds: body.accountIds)
        )
    }

    @Sendable func updateMemberDetectors(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(UpdateMemberDetectorsRequest.self, from: context)
        let unprocessed = try await self.members.updateMemberDetectors(caller: context.caller, detectorId: try context.detectorId(), request: body)
        return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
    }

    /// The operations whose input is `accountIds` and whose output is `unprocessedAccounts`.
    private func bulk(
        _ context: AuthenticatedContext, _ operation: (Caller, String, [String]) async throws -> [UnprocessedAccount]
    ) async throws -> Response {
        let body = try APIBody.decode(AccountIdsRequest.self, from: context)
        let unprocessed = try await operation(context.caller, try context.detectorId(), body.accountIds)
        return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
    }
}
