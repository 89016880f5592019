import AsyncHTTPClient
import CZlib
import Foundation
import NIOCore
import NIOHTTP1
import SigV4

/// Path-style requests to the operator's S3-compatible endpoint (`--s3-endpoint-url`), signed with SigV4 for
/// service `s3` when credentials are configured: list files are read and findings exported with it.
public struct S3Client: Sendable {
    public let endpoint: String
    public let region: String
    public let credentials: SigV4Credentials?

    public init(endpoint: String, region: String, credentials: SigV4Credentials?) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
    }

    /// The URL and signed headers of a request for `bucket`/`key` (key nil: the bucket itself).
    public func signed(method: String, bucket: String, key: String?, body: [UInt8] = [], headers extra: [(String, String)] = []) throws -> (
        url: String, headers: [(String, String)]
    ) {
        if let problem = S3Location.problem(bucket: bucket, key: key) { throw S3Error(description: problem) }
        guard let components = URLComponents(string: self.endpoint), let host = components.host else {
            throw S3Error(description: "the S3 endpoint '\(self.endpoint)' is not a URL")
        }
        let encodedKey =
            key.map {
                "/"
                    + $0.split(separator: "/", omittingEmptySubsequences: false).map { SigV4Encoding.percentEncode(String($0)) }.joined(
                        separator: "/")
            } ?? ""
        let basePath = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        let path = "\(basePath)/\(SigV4Encoding.percentEncode(bucket))\(encodedKey)"
        let authority = components.port.map { "\(host):\($0)" } ?? host
        var request = SigV4Request(
            method: method, rawPath: path,
            headers: [(name: "host", value: authority), (name: "x-amz-content-sha256", value: SigV4Encoding.sha256Hex(body))]
                + extra.map { (name: $0.0, value: $0.1) },
            body: body
        )
        if let credentials = self.credentials {
            SigV4Signer(credentials: credentials, region: self.region, service: "s3").sign(
                &request, timestamp: SigV4Time.format(Int64(Date().timeIntervalSince1970)))
        }
        return ("\(components.scheme ?? "http")://\(authority)\(path)", request.headers.filter { $0.name != "host" }.map { ($0.name, $0.value) })
    }

    /// GET of an object within `limits` (size, deadline, rate) from the operator's endpoint; errors carry the status,
    /// never the answer.
    public func get(bucket: String, key: String, headers: [(String, String)], limits: FetchLimits) async throws -> [UInt8] {
        if let problem = S3Location.problem(bucket: bucket, key: key) { throw S3Error(description: problem) }
        let (url, signedHeaders) = try self.signed(method: "GET", bucket: bucket, key: key, headers: headers)
        return try await GuardedHTTP.withDeadline(limits.deadline, what: "reading s3://\(bucket)") {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            for (name, value) in signedHeaders { request.headers.add(name: name, value: value) }
            let response: HTTPClientResponse
            do {
                response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(limits.deadline.components.seconds) + 1))
            } catch {
                throw GuardedHTTP.described(error, what: "the S3 endpoint")
            }
            guard response.status == .ok else {
                throw S3Error(description: "reading s3://\(bucket)/\(OutboundPolicy.printable(key)) answered HTTP \(response.status.code)")
            }
            return try await GuardedHTTP.collect(response.body, limits: limits, what: "s3://\(bucket)")
        }
    }

    /// Sends a request; returns the status and at most 64 KiB of the answer.
    public func send(_ http: HTTPClient, method: String, bucket: String, key: String?, body: [UInt8] = [], headers: [(String, String)] = [])
        async throws -> (Int, String)
    {
        let (url, signedHeaders) = try self.signed(method: method, bucket: bucket, key: key, body: body, headers: headers)
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in signedHeaders { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let answer = try await response.body.collect(upTo: 1 << 16)
        return (Int(response.status.code), String(buffer: answer))
    }
}

public struct S3Error: Error, CustomStringConvertible {
    public let description: String
}
