import AsyncHTTPClient
import Foundation
import GuardDutyModel
import NIOCore
import NIOHTTP1
import SigV4

/// Where lists may come from, and with which credentials.
public struct ListSources: Sendable {
    /// `file://` locations must resolve (symbolic links followed) inside this directory; nil refuses them all.
    public var listsDirectory: String?
    /// S3-compatible endpoint for `s3://` and S3 https locations (path-style requests), and how to sign for it.
    public var s3Endpoint: String?
    public var s3Region: String
    public var s3Credentials: SigV4Credentials?

    public init(listsDirectory: String? = nil, s3Endpoint: String? = nil, s3Region: String = "us-east-1", s3Credentials: SigV4Credentials? = nil) {
        self.listsDirectory = listsDirectory
        self.s3Endpoint = s3Endpoint
        self.s3Region = s3Region
        self.s3Credentials = s3Credentials
    }
}

/// Why a list could not be fetched, in words for `errorDetails`.
public struct ListFetchError: Error, CustomStringConvertible {
    public let description: String
}

/// Fetches list files: S3 (signed, from the configured endpoint), http(s) (bounded size and time, redirects only
/// to http(s)), and files inside the lists directory. Nothing else.
public struct ListFetcher: Sendable {
    let sources: ListSources
    let client: HTTPClient
    let maxBytes: Int

    public init(sources: ListSources, client: HTTPClient, maxBytes: Int = ListKind.maxFileBytes) {
        self.sources = sources
        self.client = client
        self.maxBytes = maxBytes
    }

    public func fetch(_ location: String, expectedBucketOwner: String?) async throws -> [UInt8] {
        if let (bucket, key) = Self.s3Object(location) {
            return try await self.fetchS3(bucket: bucket, key: key, expectedBucketOwner: expectedBucketOwner)
        }
        let lowered = location.lowercased()
        if lowered.hasPrefix("file://") { return try self.fetchFile(location) }
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return try await self.fetchHTTP(location, headers: [:]) }
        throw ListFetchError(description: "location '\(location)' is not an s3://, https://, http:// or file:// URL")
    }

    /// `s3://bucket/key` and the S3 https forms GuardDuty documents (path-style and virtual-hosted, with or without a region).
    static func s3Object(_ location: String) -> (bucket: String, key: String)? {
        if location.lowercased().hasPrefix("s3://") {
            let rest = location.dropFirst(5)
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else { return nil }
            return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
        }
        guard let url = URL(string: location), let host = url.host?.lowercased(), host.hasSuffix(".amazonaws.com") else { return nil }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let labels = host.split(separator: ".")
        if let first = labels.first, first == "s3" || first.hasPrefix("s3-") {
            // Path-style: s3[-region|.region].amazonaws.com/bucket/key
            guard let slash = path.firstIndex(of: "/") else { return nil }
            return (String(path[..<slash]), String(path[path.index(after: slash)...]))
        }
        if let index = labels.firstIndex(where: { $0 == "s3" || $0.hasPrefix("s3-") }), index > 0 {
            // Virtual-hosted: bucket.s3[-region|.region].amazonaws.com/key
            return (labels[..<index].joined(separator: "."), path)
        }
        return nil
    }

    func fetchFile(_ location: String) throws -> [UInt8] {
        guard let directory = self.sources.listsDirectory else {
            throw ListFetchError(description: "file:// locations are refused: the server was started without --lists-dir")
        }
        guard let url = URL(string: location), url.isFileURL else { throw ListFetchError(description: "'\(location)' is not a valid file:// URL") }
        let allowed = URL(fileURLWithPath: directory).resolvingSymlinksInPath().standardizedFileURL.path
        let target = url.resolvingSymlinksInPath().standardizedFileURL.path
        guard target.hasPrefix(allowed.hasSuffix("/") ? allowed : allowed + "/") else {
            throw ListFetchError(description: "file \(url.path) is outside the lists directory \(directory)")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target), (attributes[.type] as? FileAttributeType) == .typeRegular else {
            throw ListFetchError(description: "file \(url.path) does not exist or is not a regular file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= self.maxBytes else {
            throw ListFetchError(description: "file \(url.path) is \(size) bytes; lists are limited to \(self.maxBytes) bytes (35 MB)")
        }
        guard let data = FileManager.default.contents(atPath: target) else { throw ListFetchError(description: "file \(url.path) cannot be read") }
        return Array(data)
    }

    func fetchHTTP(_ location: String, headers: [String: String]) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: location)
        request.method = .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response: HTTPClientResponse
        do {
            response = try await self.client.execute(request, timeout: .seconds(60))
        } catch {
            throw ListFetchError(description: "could not fetch \(location): \(error)")
        }
        guard response.status == .ok else {
            throw ListFetchError(description: "fetching \(location) answered HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > self.maxBytes {
            throw ListFetchError(description: "\(location) is \(length) bytes; lists are limited to \(self.maxBytes) bytes (35 MB)")
        }
        do {
            return Array(buffer: try await response.body.collect(upTo: self.maxBytes))
        } catch {
            throw ListFetchError(description: "\(location) is larger than \(self.maxBytes) bytes (35 MB) or could not be read: \(error)")
        }
    }

    func fetchS3(bucket: String, key: String, expectedBucketOwner: String?) async throws -> [UInt8] {
        guard let endpoint = self.sources.s3Endpoint else {
            throw ListFetchError(description: "S3 locations need an S3 endpoint: start the server with --s3-endpoint-url")
        }
        let client = S3Client(endpoint: endpoint, region: self.sources.s3Region, credentials: self.sources.s3Credentials)
        let (url, headers) = try client.signed(
            method: "GET", bucket: bucket, key: key, headers: expectedBucketOwner.map { [("x-amz-expected-bucket-owner", $0)] } ?? []
        )
        return try await self.fetchHTTP(url, headers: Dictionary(headers, uniquingKeysWith: { $1 }))
    }
}
