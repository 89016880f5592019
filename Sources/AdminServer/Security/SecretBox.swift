import Crypto
import Foundation

/// Seals access-key secrets at rest with the server key (AES-256-GCM). The secret itself must be
/// recoverable: SigV4 verification recomputes an HMAC keyed by it.
public struct SecretBox: Sendable {
    /// The key's bytes (SymmetricKey itself is not Sendable).
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: self.keyBytes) }

    public init(key: SymmetricKey) {
        self.keyBytes = key.withUnsafeBytes { Array($0) }
    }

    public func seal(_ secret: String) throws -> [UInt8] {
        Array(try AES.GCM.seal(Array(secret.utf8), using: self.key).combined!)
    }

    public func open(_ sealed: [UInt8]) throws -> String {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return String(decoding: try AES.GCM.open(box, using: self.key), as: UTF8.self)
    }

    /// The server key: `--server-key`/`GUARDPOST_SERVER_KEY` (base64 of 32 bytes), else `DATA_DIR/server.key`,
    /// generated with mode 0600 on first use. Every replica of one database must use the same key.
    public static func loadKey(explicit: String?, dataDir: String) throws -> SymmetricKey {
        if let explicit = explicit ?? ProcessInfo.processInfo.environment["GUARDPOST_SERVER_KEY"], !explicit.isEmpty {
            guard let data = Data(base64Encoded: explicit), data.count == 32 else {
                throw MigrationError(description: "the server key must be the base64 encoding of 32 bytes")
            }
            return SymmetricKey(data: data)
        }
        let path = URL(fileURLWithPath: dataDir).appendingPathComponent("server.key").path
        if let data = FileManager.default.contents(atPath: path) {
            guard let decoded = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                decoded.count == 32
            else {
                throw MigrationError(description: "\(path) does not hold a base64-encoded 32-byte key")
            }
            return SymmetricKey(data: decoded)
        }
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        guard FileManager.default.createFile(atPath: path, contents: Data((encoded + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw MigrationError(description: "could not write the server key to \(path)")
        }
        return key
    }
}
