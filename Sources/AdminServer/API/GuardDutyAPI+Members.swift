import GuardDutyModel
import Hummingbird

extension GuardDutyAPI {
    /// The administrator's member operations under /detector/{detectorId}/member.
    func addMemberRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/detector/:detectorId/member") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(CreateMembersRequest.self, from: context)
            let unprocessed = try await self.members.createMembers(caller: caller, detectorId: try Self.detectorId(context), accounts: body.accountDetails)
            return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
        }
        group.get("/detector/:detectorId/member") { request, context -> Response in
            let caller = context.caller
            let maxResults = try Validate.maxResults(APIBody.queryValue("maxResults", request))
            let onlyAssociated: Bool
            switch APIBody.queryValue("onlyAssociated", request)?.lowercased() {
            case nil, "true": onlyAssociated = true
            case "false": onlyAssociated = false
            case let other?:
                throw GuardDutyError.badRequest("The request is rejected because onlyAssociated '\(other.prefix(32))' is not 'true' or 'false'.")
            }
            let page = try await self.members.listMembers(
                caller: caller, detectorId: try Self.detectorId(context), onlyAssociated: onlyAssociated, maxResults: maxResults,
                nextToken: APIBody.queryValue("nextToken", request)
            )
            return try APIBody.json(ListMembersResponse(members: page.items, nextToken: page.nextToken))
        }
        group.post("/detector/:detectorId/member/invite") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(InviteMembersRequest.self, from: context)
            let unprocessed = try await self.members.inviteMembers(
                caller: caller, detectorId: try Self.detectorId(context), accountIds: body.accountIds, message: body.message
            )
            return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
        }
        group.post("/detector/:detectorId/member/get") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AccountIdsRequest.self, from: context)
            return try APIBody.json(try await self.members.getMembers(caller: caller, detectorId: try Self.detectorId(context), accountIds: body.accountIds))
        }
        self.addBulkMemberRoute(group, "disassociate") { caller, detectorId, accountIds in
            try await self.members.disassociateMembers(caller: caller, detectorId: detectorId, accountIds: accountIds)
        }
        self.addBulkMemberRoute(group, "delete") { caller, detectorId, accountIds in
            try await self.members.deleteMembers(caller: caller, detectorId: detectorId, accountIds: accountIds)
        }
        self.addBulkMemberRoute(group, "start") { caller, detectorId, accountIds in
            try await self.members.setMonitoring(caller: caller, detectorId: detectorId, accountIds: accountIds, enabled: true)
        }
        self.addBulkMemberRoute(group, "stop") { caller, detectorId, accountIds in
            try await self.members.setMonitoring(caller: caller, detectorId: detectorId, accountIds: accountIds, enabled: false)
        }
        group.post("/detector/:detectorId/member/detector/get") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AccountIdsRequest.self, from: context)
            return try APIBody.json(
                try await self.members.getMemberDetectors(caller: caller, detectorId: try Self.detectorId(context), accountIds: body.accountIds)
            )
        }
        group.post("/detector/:detectorId/member/detector/update") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(UpdateMemberDetectorsRequest.self, from: context)
            let unprocessed = try await self.members.updateMemberDetectors(caller: caller, detectorId: try Self.detectorId(context), request: body)
            return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
        }
    }

    /// The operations whose input is `accountIds` and whose output is `unprocessedAccounts`.
    private func addBulkMemberRoute(
        _ group: RouterGroup<AuthenticatedContext>, _ action: String,
        _ operation: @escaping @Sendable (Caller, String, [String]) async throws -> [UnprocessedAccount]
    ) {
        group.post("/detector/:detectorId/member/\(action)") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AccountIdsRequest.self, from: context)
            let unprocessed = try await operation(caller, try Self.detectorId(context), body.accountIds)
            return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
        }
    }

    /// The member's side: invitations, accepting, its administrator, leaving it (with the deprecated master aliases).
    func addInvitationRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("/invitation") { request, context -> Response in
            let caller = context.caller
            let maxResults = try Validate.maxResults(APIBody.queryValue("maxResults", request))
            let page = try await self.members.listInvitations(caller: caller, maxResults: maxResults, nextToken: APIBody.queryValue("nextToken", request))
            return try APIBody.json(ListInvitationsResponse(invitations: page.items, nextToken: page.nextToken))
        }
        group.get("/invitation/count") { _, context -> Response in
            let caller = context.caller
            return try APIBody.json(GetInvitationsCountResponse(invitationsCount: try await self.members.invitationsCount(caller: caller)))
        }
        group.post("/invitation/decline") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AccountIdsRequest.self, from: context)
            let unprocessed = try await self.members.declineInvitations(caller: caller, administratorIds: body.accountIds)
            return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
        }
        group.post("/invitation/delete") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AccountIdsRequest.self, from: context)
            let unprocessed = try await self.members.deleteInvitations(caller: caller, administratorIds: body.accountIds)
            return try APIBody.json(UnprocessedAccountsResponse(unprocessedAccounts: unprocessed))
        }
        group.post("/detector/:detectorId/administrator") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AcceptAdministratorInvitationRequest.self, from: context)
            try await self.members.acceptInvitation(
                caller: caller, detectorId: try Self.detectorId(context), administratorId: body.administratorId, invitationId: body.invitationId
            )
            return APIBody.empty()
        }
        group.post("/detector/:detectorId/master") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AcceptInvitationRequest.self, from: context)
            try await self.members.acceptInvitation(
                caller: caller, detectorId: try Self.detectorId(context), administratorId: body.masterId, invitationId: body.invitationId
            )
            return APIBody.empty()
        }
        group.get("/detector/:detectorId/administrator") { _, context -> Response in
            let caller = context.caller
            guard let administrator = try await self.members.administrator(caller: caller, detectorId: try Self.detectorId(context)) else {
                return APIBody.empty()
            }
            return try APIBody.json(GetAdministratorAccountResponse(administrator: administrator))
        }
        group.get("/detector/:detectorId/master") { _, context -> Response in
            let caller = context.caller
            guard let administrator = try await self.members.administrator(caller: caller, detectorId: try Self.detectorId(context)) else {
                return APIBody.empty()
            }
            return try APIBody.json(GetMasterAccountResponse(master: administrator))
        }
        for alias in ["administrator", "master"] {
            group.post("/detector/:detectorId/\(alias)/disassociate") { _, context -> Response in
                let caller = context.caller
                try await self.members.disassociateFromAdministrator(caller: caller, detectorId: try Self.detectorId(context))
                return APIBody.empty()
            }
        }
    }

    /// The organisation path: delegated administrator and auto-enable settings.
    func addOrganizationRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/admin/enable") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AdminAccountRequest.self, from: context)
            try await self.organization.enableOrganizationAdmin(caller: caller, adminAccountId: body.adminAccountId)
            return APIBody.empty()
        }
        group.post("/admin/disable") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(AdminAccountRequest.self, from: context)
            try await self.organization.disableOrganizationAdmin(caller: caller, adminAccountId: body.adminAccountId)
            return APIBody.empty()
        }
        group.get("/admin") { request, context -> Response in
            let caller = context.caller
            _ = try Validate.maxResults(APIBody.queryValue("maxResults", request))
            let admins = try await self.organization.listOrganizationAdmins(caller: caller)
            return try APIBody.json(ListOrganizationAdminAccountsResponse(adminAccounts: admins, nextToken: nil))
        }
        group.post("/detector/:detectorId/admin") { _, context -> Response in
            let caller = context.caller
            let body = try APIBody.decode(UpdateOrganizationConfigurationRequest.self, from: context)
            try await self.organization.updateOrganizationConfiguration(caller: caller, detectorId: try Self.detectorId(context), request: body)
            return APIBody.empty()
        }
        group.get("/detector/:detectorId/admin") { request, context -> Response in
            let caller = context.caller
            _ = try Validate.maxResults(APIBody.queryValue("maxResults", request))
            return try APIBody.json(
                try await self.organization.describeOrganizationConfiguration(caller: caller, detectorId: try Self.detectorId(context))
            )
        }
    }
}
