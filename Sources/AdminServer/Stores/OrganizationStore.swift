import GuardDutyModel

/// The organisation path: the delegated administrator and its auto-enable settings.
public protocol OrganizationStore: Sendable {
    func enableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws
    func disableOrganizationAdmin(caller: Caller, adminAccountId: String) async throws
    func listOrganizationAdmins(caller: Caller) async throws -> [AdminAccount]
    func updateOrganizationConfiguration(caller: Caller, detectorId: String, request: UpdateOrganizationConfigurationRequest) async throws
    func describeOrganizationConfiguration(caller: Caller, detectorId: String) async throws -> DescribeOrganizationConfigurationResponse
    /// GetOrganizationStatistics: the delegated administrator's counts in its region (`OrganizationStatisticsRules`).
    func organizationStatistics(caller: Caller) async throws -> GetOrganizationStatisticsResponse
}
