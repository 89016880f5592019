/// Byte-level IPv4 and IPv6 parsing and formatting, without Foundation strings on the hot path.
public enum IPAddressParser {
    /// Dotted quad; rejects leading zeros beyond one digit ("01.2.3.4"), as ambiguous (octal in some parsers).
    @inlinable
    public static func ipv4<Bytes: Collection>(_ bytes: Bytes) -> UInt32? where Bytes.Element == UInt8 {
        var result: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var leadingZero = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                result = result << 8 | octet
                octet = 0
                digits = 0
                dots += 1
                leadingZero = false
            } else if byte >= 48 && byte <= 57 {
                if digits == 1 && leadingZero { return nil }
                if digits == 0 && byte == 48 { leadingZero = true }
                octet = octet * 10 + UInt32(byte - 48)
                digits += 1
                guard octet <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return result << 8 | octet
    }

    /// RFC 4291 text forms, including `::` and a trailing dotted quad; zone ids are refused.
    public static func ipv6<Bytes: Collection>(_ bytes: Bytes) -> UInt128? where Bytes.Element == UInt8 {
        let array = Array(bytes)
        guard array.count >= 2, array.count <= 45, array.contains(UInt8(ascii: ":")) else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        var index = 0
        if array.starts(with: [58, 58]) {
            sawDoubleColon = true
            index = 2
        } else if array[0] == 58 {
            return nil
        }
        while index < array.count {
            // A group, or a trailing IPv4 address.
            var end = index
            while end < array.count && array[end] != 58 { end += 1 }
            let group = array[index..<end]
            if group.contains(UInt8(ascii: ".")) {
                guard end == array.count, let v4 = self.ipv4(group) else { return nil }
                let pair = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                if sawDoubleColon { tail += pair } else { head += pair }
                index = end
                break
            }
            guard !group.isEmpty, group.count <= 4 else { return nil }
            var value: UInt16 = 0
            for byte in group {
                guard let digit = self.hexDigit(byte) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            if sawDoubleColon { tail.append(value) } else { head.append(value) }
            index = end
            if index < array.count {
                // At a ':'; '::' marks the compressed run.
                if index + 1 < array.count && array[index + 1] == 58 {
                    guard !sawDoubleColon else { return nil }
                    sawDoubleColon = true
                    index += 2
                } else {
                    index += 1
                    guard index < array.count else { return nil }
                }
            }
        }
        let total = head.count + tail.count
        if sawDoubleColon { guard total <= 7 else { return nil } } else { guard total == 8 else { return nil } }
        let groups = head + Array(repeating: 0, count: 8 - total) + tail
        var result: UInt128 = 0
        for group in groups { result = result << 16 | UInt128(group) }
        return result
    }

    @inline(__always)
    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 65...70: return byte - 55
        case 97...102: return byte - 87
        default: return nil
        }
    }

    /// RFC 5952: lowercase, leading zeros dropped, the longest run of two or more zero groups as `::`.
    public static func formatIPv6(_ address: UInt128) -> String {
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: address >> UInt128(112 - 16 * $0)) }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength && end - index >= 2 {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String { range.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    /// IANA special-purpose IPv4 space (RFC 6890 and friends).
    static let bogonsV4: [(UInt32, Int)] = [
        (0x0000_0000, 8), (0x0A00_0000, 8), (0x6440_0000, 10), (0x7F00_0000, 8), (0xA9FE_0000, 16), (0xAC10_0000, 12),
        (0xC000_0000, 24), (0xC000_0200, 24), (0xC0A8_0000, 16), (0xC612_0000, 15), (0xC633_6400, 24), (0xCB00_7100, 24),
        (0xE000_0000, 4), (0xF000_0000, 4),
    ]
}
