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
