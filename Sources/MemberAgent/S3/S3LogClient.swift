import AsyncHTTPClient
import Detection
import Foundation
import NIOCore
import SigV4

/// An object a listing named: its key, ETag (without quotes), size and last-modified time.
public struct S3ObjectSummary: Sendable, Equatable, Codable {
    public var key: String
    public var etag: String
    public var size: Int64
    public var lastModified: Double
}

/// One page of ListObjectsV2: objects, common prefixes (with a delimiter), and the token of the next page.
struct S3Listing: Sendable {
    var objects: [S3ObjectSummary] = []
    var prefixes: [String] = []
    var nextToken: String?
}

/// Reads the log bucket: ListObjectsV2 (keys URL-encoded on the wire, so any key survives XML) and GET streamed to the
/// caller piece by piece. AWS's endpoints are virtual-hosted (`bucket.s3.REGION.amazonaws.com`); an S3-compatible
/// store (`--s3-endpoint-url`: MinIO, Ceph, moto) is addressed path-style. Throttling, 5xx and the network are retried
/// with backoff; a download cut short resumes where it stopped (Range, If-Match on the ETag).
public struct S3LogClient: Sendable {
    public let endpoint: String?
    public let region: String
    public let credentials: LogCredentials
    let http: HTTPClient

    public init(endpoint: String?, region: String, credentials: LogCredentials, http: HTTPClient = S3LogClient.http) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.http = http
    }

    /// The client every S3, SQS and STS request of the agent goes through: a refused or unanswered connection fails
    /// within 5 s (not after the request's whole deadline), a silent peer within a minute.
    public static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(5), read: .seconds(60))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The request for `bucket` and an already percent-encoded key path (`/a/b.gz`, or empty for the bucket).
    func request(bucket: String, encodedKey: String, query: [(String, String)] = []) throws -> AWSRequest {
        if let endpoint = self.endpoint {
            return try AWSRequest(url: endpoint, path: "/\(SigV4Encoding.percentEncode(bucket))\(encodedKey)", query: query)
        }
        // Virtual-hosted where the bucket name allows it (no dots: the wildcard certificate covers one label).
        if !bucket.contains(".") {
            return try AWSRequest(url: "https://\(bucket).s3.\(self.region).amazonaws.com", path: encodedKey.isEmpty ? "/" : encodedKey, query: query)
        }
        return try AWSRequest(url: "https://s3.\(self.region).amazonaws.com", path: "/\(bucket)\(encodedKey)", query: query)
    }

    /// One page of the keys under `prefix` after `startAfter` (or from `token`).
    func list(bucket: String, prefix: String, delimiter: String? = nil, startAfter: String? = nil, token: String? = nil) async throws -> S3Listing {
        var query = [("list-type", "2"), ("encoding-type", "url"), ("prefix", prefix)]
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let token {
            query.append(("continuation-token", token))
        } else if let startAfter {
            query.append(("start-after", startAfter))
        }
        let request = try self.request(bucket: bucket, encodedKey: "", query: query)
        return try await Retrying.run {
            let credentials = try await self.credentials.current(self.http)
            let response = try await request.send(self.http, service: "s3", region: self.region, credentials: credentials, timeout: .seconds(60))
            let body = Array(buffer: try await response.body.collect(upTo: 32 << 20))
            guard response.status == .ok else {
                throw S3RequestError.from(
                    status: Int(response.status.code), body: body, what: "listing s3://\(bucket)/\(prefix)",
                    region: response.headers.first(name: "x-amz-bucket-region"))
            }
            // A 200 that is not a listing (a captive portal, a proxy's page) is a fault, not an empty bucket.
            guard String(decoding: body.prefix(1024), as: UTF8.self).contains("<ListBucketResult") else {
                throw S3RequestError(
                    status: 200, code: "InvalidResponse", message: "listing s3://\(bucket)/\(prefix): the answer is not a ListBucketResult",
                    retryable: false)
            }
            return Self.listing(body)
        }
    }

    /// Every page of a listing, up to `maxKeys` keys (the rest is for the next poll), so one enormous prefix or a
    /// listing that never ends cannot hold a poll or the memory; a page token that does not move is a fault.
    func listAll(bucket: String, prefix: String, delimiter: String? = nil, startAfter: String? = nil, maxKeys: Int = 100_000) async throws
        -> S3Listing
    {
        var all = S3Listing()
        var token: String?
        var tokens: Set<String> = []
        while true {
            let page = try await self.list(bucket: bucket, prefix: prefix, delimiter: delimiter, startAfter: startAfter, token: token)
            all.objects += page.objects.prefix(max(0, maxKeys - all.objects.count))
            all.prefixes += page.prefixes.prefix(max(0, maxKeys - all.prefixes.count))
            guard let next = page.nextToken else { return all }
            guard tokens.insert(next).inserted else {
                throw S3RequestError(
                    status: 200, code: "InvalidResponse", message: "listing s3://\(bucket)/\(prefix): the same page token came back twice",
                    retryable: false)
            }
            if all.objects.count + all.prefixes.count >= maxKeys {
                all.nextToken = next
                return all
            }
            token = next
        }
    }

    /// Streams an object's bytes to `body` as they arrive; resumes after a broken download where it stopped, as long
    /// as the object is still the one with `etag`.
    func get(bucket: String, key: String, etag: String, sentAhead: Task<HTTPClientResponse, any Error>? = nil, _ body: (ByteBuffer) throws -> Void)
        async throws
    {
        var received: Int64 = 0
        var ahead = sentAhead
        try await Retrying.run(attempts: 6) {
            let response: HTTPClientResponse
            if let first = ahead {
                ahead = nil
                response = try await first.value
            } else {
                response = try await self.send(bucket: bucket, key: key, etag: etag, from: received)
            }
            guard response.status == .ok || (received > 0 && response.status == .partialContent) else {
                let answer = Array(buffer: try await response.body.collect(upTo: 1 << 16))
                throw S3RequestError.from(
                    status: Int(response.status.code), body: answer, what: "reading s3://\(bucket)/\(key)",
                    region: response.headers.first(name: "x-amz-bucket-region"))
            }
            let started = Date().timeIntervalSince1970
            let startedAt = received
            do {
                for try await piece in response.body {
                    try body(piece)
                    received += Int64(piece.readableBytes)
                    // A peer that trickles (under 1 KB/s after a minute) is broken, not slow: give up on this answer.
                    let elapsed = Date().timeIntervalSince1970 - started
                    if elapsed > 60, Double(received - startedAt) / elapsed < 1024 {
                        throw S3RequestError(
                            status: 0, code: "TooSlow", message: "reading s3://\(bucket)/\(key): under 1 KB/s for over a minute", retryable: false)
                    }
                }
            } catch let error as S3RequestError {
                throw error
            } catch let error as LogInputError {
                throw error
            } catch {
                // The connection broke mid-object: the next attempt resumes at `received`.
                throw S3RequestError(status: 0, code: "Interrupted", message: "reading s3://\(bucket)/\(key): \(error)", retryable: true)
            }
        }
    }

    /// Sends an object's GET ahead of reading it, so the store works on it while the agent analyses the object before;
    /// its body waits in the connection's buffers (backpressure), not in memory. Cancel the task if it is not used.
    func sendAhead(bucket: String, key: String) -> Task<HTTPClientResponse, any Error> {
        Task { try await self.send(bucket: bucket, key: key, etag: "", from: 0) }
    }

    /// The signed GET of an object, from byte `offset` (a resumption: only while the object keeps `etag`).
    private func send(bucket: String, key: String, etag: String, from offset: Int64) async throws -> HTTPClientResponse {
        let encodedKey =
            "/"
            + key.split(separator: "/", omittingEmptySubsequences: false).map { SigV4Encoding.percentEncode(String($0)) }
            .joined(separator: "/")
        var request = try self.request(bucket: bucket, encodedKey: encodedKey)
        if offset > 0 { request.headers = [("range", "bytes=\(offset)-"), ("if-match", "\"\(etag)\"")] }
        let credentials = try await self.credentials.current(self.http)
        return try await request.send(self.http, service: "s3", region: self.region, credentials: credentials, timeout: .minutes(15))
    }

    /// ListObjectsV2's answer (`encoding-type=url`: keys and prefixes percent-decoded here).
    static func listing(_ body: [UInt8]) -> S3Listing {
        let xml = XMLElements(body)
        func decoded(_ text: String) -> String { SigV4Encoding.percentDecode(text, plusAsSpace: true) ?? text }
        var listing = S3Listing()
        for group in xml.groups("Contents") {
            guard let key = group["Key"] else { continue }
            let etag = (group["ETag"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let modified = group["LastModified"].flatMap(Self.timestamp) ?? 0
            listing.objects.append(S3ObjectSummary(key: decoded(key), etag: etag, size: Int64(group["Size"] ?? "") ?? 0, lastModified: modified))
        }
        listing.prefixes = xml.all("Prefix", in: "CommonPrefixes").map(decoded)
        if xml.first("IsTruncated") == "true" { listing.nextToken = xml.first("NextContinuationToken") }
        return listing
    }

    /// `2026-11-30T18:05:00.000Z` → seconds.
    static func timestamp(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        return ISO8601DateFormatter().date(from: text)?.timeIntervalSince1970
    }
}
