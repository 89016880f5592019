/// A bucket an account may read lists from and write findings to.
public struct S3BucketGrant: Codable, Sendable, Equatable {
    public var accountId: String
    public var bucket: String

    public init(accountId: String, bucket: String) {
        self.accountId = accountId
        self.bucket = bucket
    }
}
