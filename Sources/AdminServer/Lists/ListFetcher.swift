import AsyncHTTPClient
import Foundation
import GuardDutyModel
import NIOCore
import NIOHTTP1
import SigV4

/// Why a list could not be fetched, in words for `errorDetails`.
public struct ListFetchError: Error, CustomStringConvertible {
    public let description: String
}

/// Fetches list files: S3 (signed, from the configured endpoint, only buckets the operator granted the list's
/// account), http(s) through `GuardedHTTP` (public addresses unless allowed, every redirect checked, bounded size,
/// deadline and rate), and files inside the lists directory. Nothing else. Errors never carry fetched bytes.
public struct ListFetcher: Sendable {
    let sources: ListSources
    let guarded: GuardedHTTP
    let limits: FetchLimits

    public init(sources: ListSources, guarded: GuardedHTTP, limits: FetchLimits = FetchLimits(maxBytes: ListKind.maxFileBytes)) {
        self.sources = sources
        self.guarded = guarded
        self.limits = limits
    }

    public func fetch(_ location: String, expectedBucketOwner: String?) async throws -> [UInt8] {
        if let (bucket, key) = S3Location.parse(location) {
            return try await self.fetchS3(bucket: bucket, key: key, expectedBucketOwner: expectedBucketOwner)
        }
        let lowered = location.lowercased()
        if lowered.hasPrefix("file://") { return try self.fetchFile(location) }
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            do {
                return try await self.guarded.get(location, limits: self.limits)
            } catch {
                throw ListFetchError(description: "\(error)")
            }
        }
        throw ListFetchError(description: "the location is not an s3://, https://, http:// or file:// URL")
    }

    func fetchFile(_ location: String) throws -> [UInt8] {
        guard let directory = self.sources.listsDirectory else {
            throw ListFetchError(description: "file:// locations are refused: the server was started without --lists-dir")
        }
        guard let url = URL(string: location), url.isFileURL else { throw ListFetchError(description: "'\(location)' is not a valid file:// URL") }
        let allowed = URL(fileURLWithPath: directory).resolvingSymlinksInPath().standardizedFileURL.path
        let target = url.resolvingSymlinksInPath().standardizedFileURL.path
        guard target.hasPrefix(allowed.hasSuffix("/") ? allowed : allowed + "/") else {
            throw ListFetchError(description: "the file is outside the lists directory")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target), (attributes[.type] as? FileAttributeType) == .typeRegular
        else {
            throw ListFetchError(description: "file \(url.path) does not exist or is not a regular file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= self.limits.maxBytes else {
            throw ListFetchError(description: "file \(url.path) is \(size) bytes; lists are limited to \(self.limits.maxBytes) bytes (35 MB)")
        }
        guard let data = FileManager.default.contents(atPath: target) else { throw ListFetchError(description: "file \(url.path) cannot be read") }
        return Array(data)
    }

    func fetchS3(bucket: String, key: String, expectedBucketOwner: String?) async throws -> [UInt8] {
        guard let endpoint = self.sources.s3Endpoint else {
            throw ListFetchError(description: "S3 locations need an S3 endpoint: start the server with --s3-endpoint-url")
        }
        let client = S3Client(endpoint: endpoint, region: self.sources.s3Region, credentials: self.sources.s3Credentials)
        do {
            return try await client.get(
                bucket: bucket, key: key, headers: expectedBucketOwner.map { [("x-amz-expected-bucket-owner", $0)] } ?? [], limits: self.limits
            )
        } catch {
            throw ListFetchError(description: "\(error)")
        }
    }
}
