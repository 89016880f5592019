import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4

/// Builds signed requests, re-signing once a second so that signatures stay fresh.
final class RequestTemplate: Sendable {
    let signer: SigV4Signer
    let method: String
    let path: String
    let host: String
    private let cache = NIOLockedValueBox<(second: Int64, head: HTTPRequestHead)?>(nil)

    init(signer: SigV4Signer, method: String, path: String, host: String) {
        self.signer = signer
        self.method = method
        self.path = path
        self.host = host
    }

    func head() -> HTTPRequestHead {
        let second = Int64(Date().timeIntervalSince1970)
        if let cached = self.cache.withLockedValue({ $0 }), cached.second == second { return cached.head }
        let pieces = self.path.split(separator: "?", maxSplits: 1)
        let head = self.signer.bodylessHead(
            method: self.method, path: String(pieces[0]), query: pieces.count > 1 ? String(pieces[1]) : "", host: self.host, second: second)
        self.cache.withLockedValue { $0 = (second, head) }
        return head
    }
}
