/// What a parser read: records, skipped records (NODATA/SKIPDATA), malformed records with the first few examples.
public struct ParseStatistics: Sendable, Equatable {
    public var records = 0
    public var skipped = 0
    public var malformed = 0
    /// The first few malformed records with their line, reason and up to 160 bytes of the record: for the local
    /// command line (`guardpost-agent scan`) only. Never send them anywhere (heartbeats, findings, logs shipped
    /// elsewhere): they are bytes of a log.
    public var examples: [String] = []
    public var bytes = 0

    public init() {}

    mutating func malformed(_ line: Int, _ text: some StringProtocol, _ reason: String) {
        self.malformed += 1
        if self.examples.count < 5 { self.examples.append("line \(line): \(reason): \(text.prefix(160))") }
    }

    /// Counts an input that could not be read at all (a corrupt or truncated gzip file, a line over the length cap) as
    /// one malformed record, so that the figures show it; `what` names the input (a file, a line), `bytes` its size.
    public mutating func countUnreadable(_ what: String, reason: String, bytes: Int = 0) {
        self.malformed += 1
        self.bytes += bytes
        if self.examples.count < 5 { self.examples.append("\(what): \(reason)") }
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
    /// An open-addressing table keyed by a 64-bit hash of the bytes, so a lookup allocates nothing and costs a few
    /// word loads (ids are names seen in logs: a collision would merge two names, at odds of about n²/2⁶⁵).
    private var keys: [UInt64] = Array(repeating: 0, count: 64)
    private var ids: [Int32] = Array(repeating: 0, count: 64)
    public private(set) var names: [String] = [""]

    public init() {}

    /// Id 0 is "absent".
    func intern<Bytes: Collection>(_ bytes: Bytes) -> Int where Bytes.Element == UInt8 {
        let array = Array(bytes)
        return array.withUnsafeBufferPointer { self.intern($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }

    /// The id of the `count` bytes at `start` ("-" is absent, id 0).
    @inline(__always)
    func intern(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int {
        if count == 1 && start.pointee == UInt8(ascii: "-") { return 0 }
        let hash = Self.hash(start, count)
        let mask = self.keys.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let key = self.keys[slot]
            if key == hash { return Int(self.ids[slot]) }
            if key == 0 { break }
            slot = (slot + 1) & mask
        }
        let id = self.names.count
        self.names.append(String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self))
        self.keys[slot] = hash
        self.ids[slot] = Int32(truncatingIfNeeded: id)
        if self.names.count * 2 > self.keys.count { self.grow() }
        return id
    }

    private func grow() {
        let oldKeys = self.keys
        let oldIds = self.ids
        self.keys = Array(repeating: 0, count: oldKeys.count * 2)
        self.ids = Array(repeating: 0, count: oldKeys.count * 2)
        let mask = self.keys.count - 1
        for (key, id) in zip(oldKeys, oldIds) where key != 0 {
            var slot = Int(truncatingIfNeeded: key) & mask
            while self.keys[slot] != 0 { slot = (slot + 1) & mask }
            self.keys[slot] = key
            self.ids[slot] = id
        }
    }

    /// Eight bytes at a time, then the tail; never 0 (the empty slot).
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
        var offset = 0
        let raw = UnsafeRawPointer(start)
        while offset + 8 <= count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count {
            tail |= UInt64(start[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0x94D0_49BB_1331_11EB
        hash ^= hash >> 31
        return hash == 0 ? 1 : hash
    }

    public func name(_ id: Int) -> String? { id == 0 ? nil : self.names[id] }
}
