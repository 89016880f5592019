import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 network (address and prefix length), bytes in network order.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let prefixLength: Int

    /// `10.1.0.0/16`, `fd00::/8`, or a bare address (a /32 or /128).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPNetwork.parseAddress(String(parts[0])) else { return nil }
        let maxLength = address.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...maxLength).contains(length) else { return nil }
            self.prefixLength = length
        } else {
            self.prefixLength = maxLength
        }
        self.bytes = address
    }

    init(bytes: [UInt8], prefixLength: Int) {
        self.bytes = bytes
        self.prefixLength = prefixLength
    }

    /// The 4 or 16 bytes of a literal address, or nil when the text is not one.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// Text of a 4- or 16-byte address.
    public static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(cString: buffer) : "?"
    }

    public func contains(_ address: [UInt8]) -> Bool {
        guard address.count == self.bytes.count else { return false }
        var remaining = self.prefixLength
        var index = 0
        while remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if (address[index] & mask) != (self.bytes[index] & mask) { return false }
            remaining -= 8
            index += 1
        }
        return true
    }

    public var description: String { "\(IPNetwork.format(self.bytes))/\(self.prefixLength)" }
}
