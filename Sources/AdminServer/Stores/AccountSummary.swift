/// An account as `guardpost-admin accounts list` shows it.
public struct AccountSummary: Sendable, Codable, Equatable {
    public var accountId: String
    public var email: String
    public var name: String?
    public var organizationManagement: Bool
    public var activeAccessKeyIds: [String]
}
