import Crypto

/// An access key pair, with the session token of temporary credentials (an assumed role, an instance profile).
public struct SigV4Credentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    /// Sent as `X-Amz-Security-Token` and signed, when the credentials are temporary.
    public var sessionToken: String?
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}
