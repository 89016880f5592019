import ArgumentParser
import AsyncHTTPClient
import Foundation
import GuardDutyModel
import MemberAgent
import NIOCore
import SigV4

/// Hands out indexes to concurrent workers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        self.lock.withLock {
            guard self.value < limit else { return nil }
            defer { self.value += 1 }
            return self.value
        }
    }
}
