/// What a parser read: records, skipped records (NODATA/SKIPDATA), malformed records with the first few examples.
public struct ParseStatistics: Sendable, Equatable {
    public var records = 0
    public var skipped = 0
    public var malformed = 0
    public var examples: [String] = []
    public var bytes = 0

    public init() {}

    mutating func malformed(_ line: Int, _ text: some StringProtocol, _ reason: String) {
        self.malformed += 1
        if self.examples.count < 5 { self.examples.append("line \(line): \(reason): \(text.prefix(160))") }
    }

    public static func += (lhs: inout ParseStatistics, rhs: ParseStatistics) {
        lhs.records += rhs.records
        lhs.skipped += rhs.skipped
        lhs.malformed += rhs.malformed
        lhs.bytes += rhs.bytes
        lhs.examples += rhs.examples.prefix(max(0, 5 - lhs.examples.count))
    }
}

/// Strings seen in records, stored once and referred to by small integers on the hot path.
public final class NameTable {
    /// Keyed by a 64-bit FNV-1a hash of the bytes, so a lookup allocates nothing (ids are names seen in logs:
    /// a collision would merge two names, at odds of about n²/2⁶⁵).
    private var ids: [UInt64: Int] = [:]
    public private(set) var names: [String] = [""]

    public init() {}

    /// Id 0 is "absent".
    @inline(__always)
    func intern<Bytes: Collection>(_ bytes: Bytes) -> Int where Bytes.Element == UInt8 {
        if bytes.count == 1 && bytes.first == UInt8(ascii: "-") { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        if let id = self.ids[hash] { return id }
        let id = self.names.count
        self.names.append(String(decoding: Array(bytes), as: UTF8.self))
        self.ids[hash] = id
        return id
    }

    public func name(_ id: Int) -> String? { id == 0 ? nil : self.names[id] }
}
