import ArgumentParser
import Foundation
import MemberAgent
import SigV4

/// How `s3://` sources are read, shared by `run` and `scan`: the log bucket's own credentials (never the member's
/// Guardpost keys), its endpoint, the queue that announces objects, the listing interval, the late window and the
/// first day.
struct S3Options: ParsableArguments {
    @Option(
        name: .customLong("log-profile"),
        help: "Profile whose keys read the log bucket and its queue (else the default AWS chain: AWS_ACCESS_KEY_ID…, then the default profile).")
    var logProfile: String?
    @Option(
        name: .customLong("log-role-arn"),
        help: "Role to assume (STS AssumeRole) with those keys to read the log bucket, e.g. a log-archive account's.")
    var logRoleArn: String?
    @Option(
        name: .customLong("s3-endpoint-url"),
        help: "S3-compatible endpoint (MinIO, Ceph; path-style), else AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS.")
    var endpoint: String?
    @Option(name: .customLong("s3-region"), help: "The log bucket's region (default: the agent's).") var s3Region: String?
    @Option(
        name: .customLong("sqs-queue-url"),
        help: "SQS queue of the bucket's S3 event notifications: objects are read as announced, without listing (run).")
    var queueURL: String?
    @Option(name: .customLong("s3-poll-seconds"), help: "Seconds between listings of the log bucket.") var pollSeconds: Double = 60
    @Option(name: .customLong("s3-late-minutes"), help: "How late an object may land after later-named ones and still be found by listing.")
    var lateMinutes: Double = 60
    @Option(
        name: .customLong("s3-since"),
        help: "First day listed, YYYY-MM-DD (default: every day the bucket holds, once); a queue's announcements are read whatever their day.")
    var since: String?

    /// Whether any of the arguments is an `s3://` source.
    static func anyS3(_ arguments: [String]...) -> Bool { arguments.joined().contains(where: S3SourceURL.isSource) }

    func validate() throws {
        guard self.pollSeconds >= 1, self.pollSeconds <= 3600 else { throw ValidationError("--s3-poll-seconds must be from 1 to 3600") }
        guard self.lateMinutes >= 0, self.lateMinutes <= 7 * 24 * 60 else { throw ValidationError("--s3-late-minutes must be from 0 to 10080") }
        if let since = self.since, Self.day(since) == nil { throw ValidationError("--s3-since must be a date YYYY-MM-DD, not '\(since)'") }
    }

    /// The reading options for `region` (the agent's), or nil when no source is in S3.
    func reading(region: String, sources: [String]) throws -> S3ReadingOptions? {
        guard sources.contains(where: S3SourceURL.isSource) else { return nil }
        for source in sources where S3SourceURL.isSource(source) && S3SourceURL(source) == nil {
            throw ValidationError("\(source) is not an S3 location: give s3://BUCKET/ or s3://BUCKET/PREFIX/ (the folder that holds AWSLogs/)")
        }
        let bucketRegion = self.s3Region ?? region
        // A profile named must have keys; without one, the chain ends with the machine's credentials (container, instance).
        let base: SigV4Credentials?
        do {
            base = try AWSConfiguration.resolve(profile: self.logProfile, region: bucketRegion).credentials
        } catch {
            guard self.logProfile == nil else { throw ValidationError("cannot read the log bucket with --log-profile: \(error)") }
            base = nil
        }
        let credentials = LogCredentials(base: base, region: bucketRegion, roleArn: self.logRoleArn)
        let environment = ProcessInfo.processInfo.environment
        let endpoint = self.endpoint ?? environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"]
        var options = S3ReadingOptions(client: S3LogClient(endpoint: endpoint, region: bucketRegion, credentials: credentials))
        if let queueURL = self.queueURL {
            guard let components = URLComponents(string: queueURL), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
                components.host != nil
            else { throw ValidationError("--sqs-queue-url must be a queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/logs") }
            options.queue = SQSQueue(url: queueURL, fallbackRegion: bucketRegion, credentials: credentials)
        }
        options.pollSeconds = self.pollSeconds
        options.lateSeconds = self.lateMinutes * 60
        options.since = self.since.flatMap(Self.day)
        return options
    }

    /// `YYYY-MM-DD` → `YYYY/MM/DD` (a real date).
    static func day(_ text: String) -> String? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard text.utf8.count == 10, let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return text.replacingOccurrences(of: "-", with: "/")
    }
}
