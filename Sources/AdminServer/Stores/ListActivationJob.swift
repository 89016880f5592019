import GuardDutyModel

/// An activation to perform: fetch the location, parse it in the format, store the result.
public struct ListActivationJob: Sendable {
    public var listId: String
    public var kind: ListKind
    public var format: ListFileFormat
    public var location: String
    public var expectedBucketOwner: String?
    public var activationId: String
    /// The account that owns the list (whose S3 grants apply).
    public var accountId: String
    /// How many times this activation has been claimed, this claim included.
    public var attempt: Int

    public init(
        listId: String, kind: ListKind, format: ListFileFormat, location: String, expectedBucketOwner: String?, activationId: String,
        accountId: String = "", attempt: Int = 1
    ) {
        self.accountId = accountId
        self.attempt = attempt
        self.listId = listId
        self.kind = kind
        self.format = format
        self.location = location
        self.expectedBucketOwner = expectedBucketOwner
        self.activationId = activationId
    }
}
