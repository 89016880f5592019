/// How the agent reads its `s3://` sources: the client for the log bucket (its own credentials and endpoint), the
/// queue that announces objects (else listing), the listing interval, the late window, the first day, and whose
/// objects are read.
public struct S3ReadingOptions: Sendable {
    public var client: S3LogClient
    /// `--sqs-queue-url`: objects are announced by S3 event notifications instead of found by listing.
    public var queue: SQSQueue?
    public var pollSeconds: Double = 60
    public var lateSeconds: Double = 3600
    /// The first day read, `YYYY/MM/DD` (nil: every day there is).
    public var since: String?
    /// Every account's objects (`scan --all-accounts`), not only the agent's.
    public var allAccounts = false
    /// The region whose CloudTrail and flow logs are read (nil: every region).
    public var region: String?

    public init(client: S3LogClient) {
        self.client = client
    }
}
