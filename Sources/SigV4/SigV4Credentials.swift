import Crypto

/// An access key pair.
public struct SigV4Credentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public init(accessKeyId: String, secretAccessKey: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }
}
