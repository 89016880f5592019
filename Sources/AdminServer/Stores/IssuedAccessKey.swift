/// A newly issued access key; the secret is shown once.
public struct IssuedAccessKey: Sendable, Codable, Equatable {
    public var accountId: String
    public var accessKeyId: String
    public var secretAccessKey: String

    public init(accountId: String, accessKeyId: String, secretAccessKey: String) {
        self.accountId = accountId
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }
}
