import Foundation
import ThreatLists

/// Readers of the built-in intelligence files (`intel/`): locations and domain lists.
extension Intelligence {
    /// Reads `CIDR<TAB>LOCATION` lines ('#' comments), as `intel/ip-locations.tsv` holds them.
    public static func locations(tsv: String) -> [(network: IPNetwork, label: String)] {
        self.locations(tsv: Array(tsv.utf8))
    }

    /// Reads `CIDR<TAB>LOCATION` lines ('#' comments) from bytes, a line at a time without a String per line: the
    /// shipped country file (`intel/ip-countries.tsv.gz`) has close to a million. Lines that are not a network and a
    /// label are skipped.
    public static func locations(tsv bytes: [UInt8]) -> [(network: IPNetwork, label: String)] {
        var result: [(network: IPNetwork, label: String)] = []
        // Labels are few (countries): each is made a String once, found again by its first eight bytes and length.
        var labels: [UInt64: [(bytes: [UInt8], label: String)]] = [:]
        bytes.withUnsafeBufferPointer { bytes in
            func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 13 }
            var start = 0
            while start < bytes.count {
                var end = start
                var tab = -1
                var secondTab = -1
                while end < bytes.count, bytes[end] != 10 {
                    if bytes[end] == 9 {
                        if tab < 0 { tab = end } else if secondTab < 0 { secondTab = end }
                    }
                    end += 1
                }
                defer { start = end + 1 }
                guard bytes[start] != UInt8(ascii: "#"), tab >= 0 else { continue }
                var networkStart = start
                var networkEnd = tab
                while networkStart < networkEnd, isSpace(bytes[networkStart]) { networkStart += 1 }
                while networkEnd > networkStart, isSpace(bytes[networkEnd - 1]) { networkEnd -= 1 }
                var labelStart = tab + 1
                var labelEnd = secondTab >= 0 ? secondTab : end
                while labelStart < labelEnd, isSpace(bytes[labelStart]) { labelStart += 1 }
                while labelEnd > labelStart, isSpace(bytes[labelEnd - 1]) { labelEnd -= 1 }
                guard labelStart < labelEnd,
                    let network = Self.fastV4Network(bytes, networkStart, networkEnd)
                        ?? IPNetwork.parse(UnsafeBufferPointer(rebasing: bytes[networkStart..<networkEnd]))
                else { continue }
                var key = UInt64(labelEnd - labelStart) << 56
                for index in labelStart..<min(labelEnd, labelStart + 7) { key |= UInt64(bytes[index]) << (8 * UInt64(index - labelStart)) }
                let raw = UnsafeBufferPointer(rebasing: bytes[labelStart..<labelEnd])
                if let known = labels[key]?.first(where: { $0.bytes.elementsEqual(raw) }) {
                    result.append((network, known.label))
                } else {
                    let label = String(decoding: raw, as: UTF8.self)
                    labels[key, default: []].append((Array(raw), label))
                    result.append((network, label))
                }
            }
        }
        return result
    }

    /// `a.b.c.d/n` read in place (nil: anything else, left to `IPNetwork.parse`).
    static func fastV4Network(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> IPNetwork? {
        var address: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte >= 48 && byte <= 57 {
                octet = octet * 10 + UInt32(byte - 48)
                digits += 1
                guard digits <= 3, octet <= 255 else { return nil }
            } else if byte == UInt8(ascii: "."), digits > 0, dots < 3 {
                address = address << 8 | octet
                (octet, digits, dots) = (0, 0, dots + 1)
            } else if byte == UInt8(ascii: "/"), digits > 0, dots == 3 {
                break
            } else {
                return nil
            }
            index += 1
        }
        guard dots == 3, digits > 0 else { return nil }
        address = address << 8 | octet
        var prefix = 32
        if index < end {
            index += 1
            guard index < end, end - index <= 2 else { return nil }
            prefix = 0
            for byte in bytes[index..<end] {
                guard byte >= 48 && byte <= 57 else { return nil }
                prefix = prefix * 10 + Int(byte - 48)
            }
            guard prefix <= 32 else { return nil }
        }
        return IPNetwork(v4: address, prefix: UInt8(prefix))
    }

    /// Reads `FINDING_TYPE<TAB>DOMAIN` lines ('#' comments).
    public static func builtInDomains(tsv: String) -> [(type: String, domain: String)] {
        tsv.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let parts = line.split(separator: "\t")
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]).trimmingCharacters(in: .whitespaces))
        }
    }
}
