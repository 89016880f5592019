import GuardDutyModel
import Hummingbird

/// The organisation path: Enable/DisableOrganizationAdminAccount, ListOrganizationAdminAccounts,
/// Update/DescribeOrganizationConfiguration, GetOrganizationStatistics.
struct OrganizationController: APIController {
    let organization: any OrganizationStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("/admin/enable", use: self.enableOrganizationAdminAccount)
        group.post("/admin/disable", use: self.disableOrganizationAdminAccount)
        group.get("/admin", use: self.listOrganizationAdminAccounts)
        group.post("/detector/:detectorId/admin", use: self.updateOrganizationConfiguration)
        group.get("/detector/:detectorId/admin", use: self.describeOrganizationConfiguration)
        group.get("/organization/statistics", use: self.getOrganizationStatistics)
    }

    @Sendable func enableOrganizationAdminAccount(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(AdminAccountRequest.self, from: context)
        try await self.organization.enableOrganizationAdmin(caller: context.caller, adminAccountId: body.adminAccountId)
        return APIBody.empty()
    }

    @Sendable func disableOrganizationAdminAccount(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(AdminAccountRequest.self, from: context)
        try await self.organization.disableOrganizationAdmin(caller: context.caller, adminAccountId: body.adminAccountId)
        return APIBody.empty()
    }

    /// One page holds every administrator (an organisation has one): `maxResults` is validated, `nextToken` unused.
    @Sendable func listOrganizationAdminAccounts(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try PageQuery(request)
        let admins = try await self.organization.listOrganizationAdmins(caller: context.caller)
        return try APIBody.json(ListOrganizationAdminAccountsResponse(adminAccounts: admins, nextToken: nil))
    }

    @Sendable func updateOrganizationConfiguration(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.decode(UpdateOrganizationConfigurationRequest.self, from: context)
        try await self.organization.updateOrganizationConfiguration(caller: context.caller, detectorId: try context.detectorId(), request: body)
        return APIBody.empty()
    }

    @Sendable func describeOrganizationConfiguration(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try PageQuery(request)
        return try APIBody.json(
            try await self.organization.describeOrganizationConfiguration(caller: context.caller, detectorId: try context.detectorId())
        )
    }

    @Sendable func getOrganizationStatistics(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try APIBody.json(try await self.organization.organizationStatistics(caller: context.caller))
    }
}
