import GuardDutyModel
import Hummingbird

/// The member's side: ListInvitations, GetInvitationsCount, Decline/DeleteInvitations, AcceptAdministratorInvitation,
/// GetAdministratorAccount, DisassociateFromAdministratorAccount, and their deprecated `master` aliases.
struct InvitationsController: APIController {
    let members: any MemberStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("/invitation", use: self.listInvitations)
        group.get("/invitation/count", use: self.getInvitationsCount)
        group.post("/invitation/decline", use: self.declineInvitations)
        group.post("/invitation/delete", use: self.deleteInvitations)
        group.post("/detector/:detectorId/administrator", use: self.acceptAdministratorInvitation)
        group.post("/detector/:detectorId/master", use: self.acceptInvitation)
        group.get("/detector/:detectorId/administrator", use: self.getAdministratorAccount)
        group.get("/detector/:detectorId/master", use: self.getMasterAccount)
        group.post("/detector/:detectorId/administrator/disassociate", use: self.disassociateFromAdministratorAccount)
        group.post("/detector/:detectorId/master/disassociate", use: self.disassociateFromAdministratorAccount)
    }

    @Sendable func listInvitations(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try PageQuery(request)
        let page = try await self.members.listInvitations(caller: context.caller, maxResults: query.maxResults, nextToken: query.nextToken)
        return try APIBody.json(ListInvitationsResponse(invitations: page.items, nextToken: page.nextToken))
    }

    @Sendable func getInvitationsCount(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try APIBody.json(GetInvitationsCountResponse(invitationsCount: try await self.members.invitationsCount(caller: context.caller)))
    }

    @Sendable func declineInvitations(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(AccountIdsRequest.self, from: context)
        let unprocessed = try await self.members.declineInvitations(caller: context.caller, administratorIds: body.accountIds)
        return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
    }

    @Sendable func deleteInvitations(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(AccountIdsRequest.self, from: context)
        let unprocessed = try await self.members.deleteInvitations(caller: context.caller, administratorIds: body.accountIds)
        return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
    }

    @Sendable func acceptAdministratorInvitation(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(AcceptAdministratorInvitationRequest.self, from: context)
        try await self.members.acceptInvitation(
            caller: context.caller, detectorId: try context.detectorId(), administratorId: body.administratorId, invitationId: body.invitationId
        )
        return APIBody.empty()
    }

    /// AcceptInvitation, the deprecated form whose administrator is `masterId`.
    @Sendable func acceptInvitation(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(AcceptInvitationRequest.self, from: context)
        try await self.members.acceptInvitation(
            caller: context.caller, detectorId: try context.detectorId(), administratorId: body.masterId, invitationId: body.invitationId
        )
        return APIBody.empty()
    }

    @Sendable func getAdministratorAccount(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard let administrator = try await self.members.administrator(caller: context.caller, detectorId: try context.detectorId()) else {
            return APIBody.empty()
        }
        return try APIBody.json(GetAdministratorAccountResponse(administrator: administrator))
    }

    /// GetMasterAccount, the deprecated form answering `master`.
    @Sendable func getMasterAccount(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard let administrator = try await self.members.administrator(caller: context.caller, detectorId: try context.detectorId()) else {
            return APIBody.empty()
        }
        return try APIBody.json(GetMasterAccountResponse(master: administrator))
    }

    @Sendable func disassociateFromAdministratorAccount(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await self.members.disassociateFromAdministrator(caller: context.caller, detectorId: try context.detectorId())
        return APIBody.empty()
    }
}
