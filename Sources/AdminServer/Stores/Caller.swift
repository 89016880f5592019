/// Who is calling: the account the access key belongs to and the region of the request's signature.
public struct Caller: Sendable, Equatable {
    public var accountId: String
    public var region: String
    public var isOrganizationManagement: Bool

    public init(accountId: String, region: String, isOrganizationManagement: Bool = false) {
        self.accountId = accountId
        self.region = region
        self.isOrganizationManagement = isOrganizationManagement
    }
}
