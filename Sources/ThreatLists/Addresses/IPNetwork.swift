/// An IPv4 or IPv6 network (an address is a network of full prefix length), normalised: host bits cleared.
public enum IPNetwork: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(address: UInt32, prefix: UInt8)
    case v6(address: UInt128, prefix: UInt8)

    public init(v4 address: UInt32, prefix: UInt8 = 32) {
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - UInt32(prefix))
        self = .v4(address: address & mask, prefix: prefix)
    }

    public init(v6 address: UInt128, prefix: UInt8 = 128) {
        let mask: UInt128 = prefix == 0 ? 0 : ~UInt128(0) << (128 - UInt128(prefix))
        self = .v6(address: address & mask, prefix: prefix)
    }

    /// Parses `1.2.3.4`, `1.2.3.0/24`, `2001:db8::1`, `2001:db8::/32`; nil for anything else.
    /// `hostBitsCleared` tells whether the written network had host bits set (normalised away).
    public static func parse<Bytes: Collection>(_ bytes: Bytes) -> IPNetwork? where Bytes.Element == UInt8 {
        let array = Array(bytes)
        var addressEnd = array.count
        var prefix: Int?
        if let slash = array.firstIndex(of: UInt8(ascii: "/")) {
            addressEnd = slash
            var value = 0
            let digits = array[(slash + 1)...]
            guard !digits.isEmpty, digits.count <= 3 else { return nil }
            for byte in digits {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            prefix = value
        }
        let address = array[..<addressEnd]
        if let v4 = IPAddressParser.ipv4(address) {
            let length = prefix ?? 32
            guard length <= 32 else { return nil }
            return IPNetwork(v4: v4, prefix: UInt8(length))
        }
        if let v6 = IPAddressParser.ipv6(address) {
            let length = prefix ?? 128
            guard length <= 128 else { return nil }
            return IPNetwork(v6: v6, prefix: UInt8(length))
        }
        return nil
    }

    public static func parse(_ text: String) -> IPNetwork? {
        self.parse(Array(text.utf8))
    }

    /// First and last address, for interval arithmetic.
    public var isV4: Bool { if case .v4 = self { return true } else { return false } }

    public var v4Range: ClosedRange<UInt32>? {
        guard case .v4(let address, let prefix) = self else { return nil }
        let hostBits: UInt32 = prefix == 0 ? ~0 : (prefix == 32 ? 0 : (~UInt32(0)) >> UInt32(prefix))
        return address...(address | hostBits)
    }

    public var v6Range: ClosedRange<UInt128>? {
        guard case .v6(let address, let prefix) = self else { return nil }
        let hostBits: UInt128 = prefix == 0 ? ~0 : (prefix == 128 ? 0 : (~UInt128(0)) >> UInt128(prefix))
        return address...(address | hostBits)
    }

    public func contains(_ other: IPNetwork) -> Bool {
        switch (self, other) {
        case (.v4, .v4): return self.v4Range!.lowerBound <= other.v4Range!.lowerBound && other.v4Range!.upperBound <= self.v4Range!.upperBound
        case (.v6, .v6): return self.v6Range!.lowerBound <= other.v6Range!.lowerBound && other.v6Range!.upperBound <= self.v6Range!.upperBound
        default: return false
        }
    }

    public static func < (lhs: IPNetwork, rhs: IPNetwork) -> Bool {
        switch (lhs, rhs) {
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v4(let a, let p), .v4(let b, let q)): return a == b ? p < q : a < b
        case (.v6(let a, let p), .v6(let b, let q)): return a == b ? p < q : a < b
        }
    }

    /// Canonical text: `1.2.3.4` for a single address, `1.2.3.0/24` otherwise; IPv6 per RFC 5952.
    public var description: String {
        switch self {
        case .v4(let address, let prefix):
            let text = "\(address >> 24).\((address >> 16) & 0xFF).\((address >> 8) & 0xFF).\(address & 0xFF)"
            return prefix == 32 ? text : "\(text)/\(prefix)"
        case .v6(let address, let prefix):
            let text = IPAddressParser.formatIPv6(address)
            return prefix == 128 ? text : "\(text)/\(prefix)"
        }
    }

    /// Private, loopback, link-local, documentation, multicast and other bogon space: never a "remote" party.
    public var isBogon: Bool {
        switch self {
        case .v4(let address, _):
            for (network, length) in IPAddressParser.bogonsV4 {
                let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - UInt32(length))
                if address & mask == network { return true }
            }
            return false
        case .v6(let address, _):
            let top = UInt16(truncatingIfNeeded: address >> 112)
            return address == 0 || address == 1 || top & 0xFE00 == 0xFC00 || top & 0xFFC0 == 0xFE80 || top & 0xFF00 == 0xFF00
                || (address >> 96) == 0x2001_0db8
        }
    }
}
