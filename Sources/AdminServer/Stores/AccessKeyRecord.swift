/// An access key as authentication needs it.
public struct AccessKeyRecord: Sendable {
    public var accessKeyId: String
    public var accountId: String
    public var secretAccessKey: String
    public var isOrganizationManagement: Bool
    public var revoked: Bool
}
