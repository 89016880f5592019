import Crypto
import Foundation
import NIOConcurrencyHelpers
import SigV4

/// Access keys and enabled regions held in memory so that a request costs no database round trip to
/// authenticate. Entries expire after `ttl`; `ChangeListener` drops them at once when PostgreSQL
/// NOTIFYs a revoked key or a region change, so another replica's change applies within milliseconds.
public final class CredentialCache: Sendable {
    struct KeyEntry {
        var record: AccessKeyRecord?
        var fetchedAt: UInt64
        /// Signing keys by credential scope (date/region/service), derived once per day and region.
        var signingKeys: [String: [UInt8]]
    }

    private let keys = NIOLockedValueBox<[String: KeyEntry]>([:])
    private let regions = NIOLockedValueBox<(names: Set<String>, fetchedAt: UInt64)?>(nil)
    let ttlNanoseconds: UInt64
    let accounts: any AccountStore
    let regionStore: any RegionStore

    public init(accounts: any AccountStore, regions: any RegionStore, ttlSeconds: Double = 5) {
        self.accounts = accounts
        self.regionStore = regions
        self.ttlNanoseconds = UInt64(ttlSeconds * 1e9)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The key's record (nil for an unknown key), from memory when fresh.
    func accessKey(_ id: String) async throws -> AccessKeyRecord? {
        let now = Self.now()
        if let entry = self.keys.withLockedValue({ $0[id] }), now &- entry.fetchedAt < self.ttlNanoseconds {
            return entry.record
        }
        let accounts = self.accounts
        let record = try await DatabaseDeadline.bounded { try await accounts.accessKey(id: id) }
        self.keys.withLockedValue { keys in
            if keys.count > 100_000 { keys.removeAll() }
            keys[id] = KeyEntry(record: record, fetchedAt: now, signingKeys: [:])
        }
        return record
    }

    func signingKey(for record: AccessKeyRecord, date: String, region: String, service: String) -> SymmetricKey {
        let scope = "\(date)/\(region)/\(service)"
        if let bytes = self.keys.withLockedValue({ $0[record.accessKeyId]?.signingKeys[scope] }) {
            return SymmetricKey(data: bytes)
        }
        let key = SigV4.signingKey(secret: record.secretAccessKey, date: date, region: region, service: service)
        let bytes = key.withUnsafeBytes { Array($0) }
        self.keys.withLockedValue { keys in
            if keys[record.accessKeyId] != nil, keys[record.accessKeyId]!.signingKeys.count < 64 {
                keys[record.accessKeyId]!.signingKeys[scope] = bytes
            }
        }
        return key
    }

    func isRegionEnabled(_ region: String) async throws -> Bool {
        let now = Self.now()
        if let cached = self.regions.withLockedValue({ $0 }), now &- cached.fetchedAt < self.ttlNanoseconds {
            return cached.names.contains(region)
        }
        let regionStore = self.regionStore
        let names = Set(try await DatabaseDeadline.bounded { try await regionStore.listRegions() }.filter(\.enabled).map(\.name))
        self.regions.withLockedValue { $0 = (names, now) }
        return names.contains(region)
    }

    public func invalidateKey(_ id: String) {
        self.keys.withLockedValue { _ = $0.removeValue(forKey: id) }
    }

    public func invalidateAll() {
        self.keys.withLockedValue { $0.removeAll() }
        self.regions.withLockedValue { $0 = nil }
    }

    public func invalidateRegions() {
        self.regions.withLockedValue { $0 = nil }
    }
}
