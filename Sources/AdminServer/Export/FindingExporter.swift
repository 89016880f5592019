import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Writes the export outbox to the S3 publishing destinations every interval: one gzip JSON-lines object per
/// destination and run, at `PREFIX/AWSLogs/ACCOUNT/GuardDuty/REGION/YYYY/MM/DD/UUID.jsonl.gz` (ACCOUNT: the
/// destination's owner), encrypted with the destination's KMS key (SSE-KMS) when it names one. A new or changed
/// destination is verified first (HEAD of the bucket). Success: the rows
/// leave the outbox and the status is PUBLISHING; failure: UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY with the
/// time the failures started, and the rows wait for the next run. Destinations are leased, so replicas share them.
public struct FindingExporter: Service {
    let client: PostgresClient
    let http: HTTPClient
    let s3: S3Client?
    let logger: Logger
    let interval: Duration

    public init(client: PostgresClient, http: HTTPClient, s3: S3Client?, logger: Logger, interval: Duration) {
        self.client = client
        self.http = http
        self.s3 = s3
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.exportOnce()
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning("finding export failed; retrying at the next interval", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    var outbox: PostgresExportOutbox { PostgresExportOutbox(client: self.client, logger: self.logger) }

    /// One pass over every destination that is due.
    public func exportOnce() async throws {
        for destination in try await self.outbox.claimDueDestinations() {
            let outcome: String?
            do {
                outcome = try await self.export(destination)
            } catch {
                outcome = "\(error)"
            }
            if let failure = outcome {
                try await self.outbox.markFailed(destinationId: destination.id, failure: failure)
            } else {
                try await self.outbox.markPublishing(destinationId: destination.id)
            }
        }
    }

    /// Server-side encryption with the destination's KMS key, as GuardDuty encrypts exported findings (none without one).
    static func encryption(_ kmsKeyArn: String?) -> [(String, String)] {
        guard let kmsKeyArn, !kmsKeyArn.isEmpty else { return [] }
        return [("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-aws-kms-key-id", kmsKeyArn)]
    }

    /// nil when the destination works (verified, and everything pending written), else why not.
    func export(_ destination: ExportDestination) async throws -> String? {
        guard let s3 = self.s3 else { return "no S3 endpoint is configured: start the server with --s3-endpoint-url" }
        let (bucket, prefix) = try PostgresPublishingDestinationStore.parseArn(destination.arn)
        // The grant is checked on every run: the operator may have removed it since the destination was made.
        let granted = try await self.outbox.s3BucketGranted(account: destination.account, bucket: bucket)
        guard granted else {
            return
                "account \(destination.account) may not write findings to S3 bucket \(bucket): the operator grants buckets with 'guardpost-admin s3 allow'"
        }
        if destination.status != "PUBLISHING" {
            let (status, _) = try await s3.send(self.http, method: "HEAD", bucket: bucket, key: nil)
            guard (200..<300).contains(status) else { return "bucket \(bucket) answered HTTP \(status)" }
        }
        let pending = try await self.outbox.pending(destinationId: destination.id)
        let ids = pending.map(\.id)
        var lines: [UInt8] = []
        for row in pending {
            lines += Array(row.body.utf8)
            lines.append(10)
        }
        guard !ids.isEmpty else { return nil }
        let now = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        let path = String(
            format: "AWSLogs/%@/GuardDuty/%@/%04d/%02d/%02d/%@.jsonl.gz",
            destination.account, destination.region, parts.year!, parts.month!, parts.day!, UUID().uuidString.lowercased())
        let key = prefix.isEmpty ? path : "\(prefix)/\(path)"
        let (status, _) = try await s3.send(
            self.http, method: "PUT", bucket: bucket, key: key, body: try Gzip.compress(lines),
            headers: [("content-type", "application/x-ndjson"), ("content-encoding", "gzip")] + Self.encryption(destination.kmsKeyArn)
        )
        guard (200..<300).contains(status) else { return "writing s3://\(bucket)/\(key) answered HTTP \(status)" }
        try await self.outbox.delete(ids: ids)
        self.logger.info(
            "exported findings", metadata: ["destination": "\(destination.id)", "count": "\(ids.count)", "object": "s3://\(bucket)/\(key)"])
        return nil
    }
}
