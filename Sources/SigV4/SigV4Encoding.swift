import Crypto

/// The byte-level encodings Signature Version 4 is defined over.
public enum SigV4Encoding {
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let upperHex = Array("0123456789ABCDEF".utf8)

    /// Lowercase hex of bytes.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(self.hexDigits[Int(byte >> 4)])
            out.append(self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func sha256Hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return self.hex(hasher.finalize())
    }

    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters (and '/' when `keepSlash`).
    public static func percentEncode(_ string: String, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if self.isUnreserved(byte) || (keepSlash && byte == 0x2F) {
                out.append(byte)
            } else {
                out.append(0x25)
                out.append(self.upperHex[Int(byte >> 4)])
                out.append(self.upperHex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes %XX escapes (and '+' as a space when `plusAsSpace`); nil when an escape is malformed.
    public static func percentDecode(_ string: Substring, plusAsSpace: Bool = false) -> String? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(string.utf8.count)
        var iterator = string.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == 0x25 {
                guard let high = iterator.next().flatMap(self.hexValue), let low = iterator.next().flatMap(self.hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if byte == 0x2B && plusAsSpace {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    public static func percentDecode(_ string: String, plusAsSpace: Bool = false) -> String? {
        self.percentDecode(Substring(string), plusAsSpace: plusAsSpace)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// The canonical URI of a path as sent on the wire: dot segments removed, then every byte
    /// percent-encoded once more (botocore's rule for every service but S3).
    public static func canonicalURI(rawPath: String) -> String {
        var segments: [Substring] = []
        let parts = rawPath.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            if part == "." { continue }
            if part == ".." {
                _ = segments.popLast()
                continue
            }
            segments.append(part)
        }
        var normalized = "/" + segments.joined(separator: "/")
        if rawPath.hasSuffix("/") && !segments.isEmpty { normalized += "/" }
        return self.percentEncode(normalized, keepSlash: true)
    }

    /// The canonical query string: each name and value decoded, re-encoded (RFC 3986), sorted by name then value.
    public static func canonicalQuery(rawQuery: String) -> String {
        guard !rawQuery.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = item.firstIndex(of: "=") {
                name = item[..<equals]
                value = item[item.index(after: equals)...]
            } else {
                name = item
                value = ""
            }
            let decodedName = self.percentDecode(name) ?? String(name)
            let decodedValue = self.percentDecode(value) ?? String(value)
            pairs.append((self.percentEncode(decodedName), self.percentEncode(decodedValue)))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trims a header value and folds runs of spaces into one, as SigV4's Trimall.
    public static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    /// Constant-time comparison of two strings' bytes.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        let count = max(a.count, b.count)
        for index in 0..<count {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
