import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Bounds of one outbound fetch: size, a total deadline, and a minimum transfer rate after a grace period, so that
/// a feed that trickles bytes cannot hold a worker.
public struct FetchLimits: Sendable {
    public var maxBytes: Int
    public var deadline: Duration
    public var minBytesPerSecond: Int
    public var grace: Duration
    public var maxRedirects: Int

    public init(
        maxBytes: Int, deadline: Duration = .seconds(120), minBytesPerSecond: Int = 1024, grace: Duration = .seconds(10), maxRedirects: Int = 5
    ) {
        self.maxBytes = maxBytes
        self.deadline = deadline
        self.minBytesPerSecond = minBytesPerSecond
        self.grace = grace
        self.maxRedirects = maxRedirects
    }
}
