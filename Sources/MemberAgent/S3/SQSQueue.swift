import AsyncHTTPClient
import Foundation
import NIOCore

/// The queue S3 event notifications arrive on (`--sqs-queue-url`), spoken in SQS's JSON protocol at the queue URL's
/// own origin (AWS, or a compatible endpoint such as moto's). Messages are received with a short long-poll and a
/// visibility timeout; they are deleted only once every object they announce has been analysed and checkpointed, so
/// a crash makes them visible again and the checkpoint's keys and ETags drop what was already read.
public struct SQSQueue: Sendable {
    public let url: String
    public let region: String
    public let credentials: LogCredentials
    let http: HTTPClient

    /// A received message: its id, receipt handle and body.
    struct Message: Sendable {
        var id: String
        var receiptHandle: String
        var body: String
    }

    /// `region` nil: the one in an AWS queue URL (`sqs.REGION.amazonaws.com`), else `fallbackRegion`.
    public init(url: String, fallbackRegion: String, credentials: LogCredentials, http: HTTPClient = S3LogClient.http) {
        self.url = url
        let host = URLComponents(string: url)?.host ?? ""
        let labels = host.split(separator: ".")
        self.region = labels.count >= 4 && labels[0] == "sqs" ? String(labels[1]) : fallbackRegion
        self.credentials = credentials
        self.http = http
    }

    /// Up to 10 messages, waiting at most `waitSeconds` for the first.
    func receive(waitSeconds: Int = 1, visibilitySeconds: Int = 300) async throws -> [Message] {
        let answer = try await self.call(
            "ReceiveMessage",
            ["QueueUrl": self.url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": waitSeconds, "VisibilityTimeout": visibilitySeconds])
        let messages = (answer["Messages"] as? [[String: Any]]) ?? []
        return messages.compactMap { message in
            guard let handle = message["ReceiptHandle"] as? String else { return nil }
            return Message(id: (message["MessageId"] as? String) ?? handle, receiptHandle: handle, body: (message["Body"] as? String) ?? "")
        }
    }

    /// Deletes messages (in batches of 10).
    func delete(_ handles: [String]) async throws {
        var rest = handles[...]
        while !rest.isEmpty {
            let batch = rest.prefix(10)
            rest = rest.dropFirst(10)
            let entries = batch.enumerated().map { ["Id": "m\($0.offset)", "ReceiptHandle": $0.element] }
            _ = try await self.call("DeleteMessageBatch", ["QueueUrl": self.url, "Entries": entries])
        }
    }

    private func call(_ action: String, _ parameters: [String: Any]) async throws -> [String: Any] {
        try await Retrying.run {
            guard let components = URLComponents(string: self.url), let scheme = components.scheme, let host = components.host else {
                throw S3RequestError(status: 0, code: "InvalidQueueUrl", message: "'\(self.url)' is not a queue URL", retryable: false)
            }
            var request = try AWSRequest(url: "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")", path: "/")
            request.method = "POST"
            request.headers = [("x-amz-target", "AmazonSQS.\(action)"), ("content-type", "application/x-amz-json-1.0")]
            request.body = Array(try JSONSerialization.data(withJSONObject: parameters))
            let credentials = try await self.credentials.current(self.http)
            let response = try await request.send(self.http, service: "sqs", region: self.region, credentials: credentials, timeout: .seconds(40))
            let body = Array(buffer: try await response.body.collect(upTo: 8 << 20))
            guard response.status == .ok else {
                throw S3RequestError.from(status: Int(response.status.code), body: body, what: "\(action) on \(self.url)")
            }
            return (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
        }
    }
}
