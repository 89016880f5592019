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

    public init(endpoint: String?, region: String, credentials: LogCredentials, http: HTTPClient = .shared) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.http = http
    }

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
                throw S3RequestError.from(status: Int(response.status.code), body: body, what: "listing s3://\(bucket)/\(prefix)")
            }
            return Self.listing(body)
        }
    }

    /// Every page of a listing (at most `maxPages`, so one enormous prefix cannot hold a poll forever).
    func listAll(bucket: String, prefix: String, delimiter: String? = nil, startAfter: String? = nil, maxPages: Int = 100) async throws -> S3Listing {
        var all = S3Listing()
        var token: String?
        for _ in 0..<maxPages {
            let page = try await self.list(bucket: bucket, prefix: prefix, delimiter: delimiter, startAfter: startAfter, token: token)
            all.objects += page.objects
            all.prefixes += page.prefixes
            guard let next = page.nextToken else { return all }
            token = next
        }
        all.nextToken = token
        return all
    }

    /// Streams an object's bytes to `body` as they arrive; resumes after a broken download where it stopped, as long
    /// as the object is still the one with `etag`.
    func get(bucket: String, key: String, etag: String, _ body: (ByteBuffer) throws -> Void) async throws {
        let encodedKey =
            "/"
            + key.split(separator: "/", omittingEmptySubsequences: false).map { SigV4Encoding.percentEncode(String($0)) }
            .joined(separator: "/")
        var received: Int64 = 0
        try await Retrying.run(attempts: 6) {
            var request = try self.request(bucket: bucket, encodedKey: encodedKey)
            if received > 0 { request.headers = [("range", "bytes=\(received)-"), ("if-match", "\"\(etag)\"")] }
            let credentials = try await self.credentials.current(self.http)
            let response = try await request.send(self.http, service: "s3", region: self.region, credentials: credentials, timeout: .minutes(15))
            guard response.status == .ok || (received > 0 && response.status == .partialContent) else {
                let answer = Array(buffer: try await response.body.collect(upTo: 1 << 16))
                throw S3RequestError.from(status: Int(response.status.code), body: answer, what: "reading s3://\(bucket)/\(key)")
            }
            do {
                for try await piece in response.body {
                    try body(piece)
                    received += Int64(piece.readableBytes)
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
