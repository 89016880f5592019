import Foundation

/// VPC Flow Logs, byte by byte: the default version 2 format, or any custom field list given by the header line
/// AWS writes to S3 (`version account-id interface-id srcaddr …`); IPv4 and IPv6; `-` fields; NODATA and SKIPDATA
/// records are counted as skipped. A malformed line is counted and skipped.
public struct FlowLogParser {
    public enum Field: String, CaseIterable, Sendable {
        case version
        case accountId = "account-id"
        case interfaceId = "interface-id"
        case srcaddr, dstaddr, srcport, dstport
        case `protocol`, packets, bytes, start, end, action
        case logStatus = "log-status"
        case instanceId = "instance-id"
        case tcpFlags = "tcp-flags"
        case flowDirection = "flow-direction"
        case other
    }

    public static let defaultFields: [Field] = [
        .version, .accountId, .interfaceId, .srcaddr, .dstaddr, .srcport, .dstport, .protocol, .packets, .bytes, .start, .end, .action, .logStatus,
    ]

    public var fields: [Field]
    public let names: NameTable
    public var statistics = ParseStatistics()
    /// Lines read so far in the current file (chunks of one file continue the count).
    public var linesRead = 0

    public init(names: NameTable, fields: [Field] = FlowLogParser.defaultFields) {
        self.names = names
        self.fields = fields
    }

    /// Parses a whole file's bytes, calling `body` for each record.
    public mutating func parse(_ data: [UInt8], _ body: (FlowRecord) -> Void) {
        data.withUnsafeBufferPointer { self.parse($0, body) }
    }

    /// Parses bytes that end at a line end (or the end of the file), calling `body` for each record.
    public mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>, _ body: (FlowRecord) -> Void) {
        self.parse(
            buffer,
            batches: { records in
                for record in records { body(record) }
            })
    }

    /// Parses bytes that end at a line end (or the end of the file), handing the records over in batches of up to
    /// `batchSize`, written in place (what `DetectionEngine.process(batch:)` takes).
    ///
    /// Each line is read once, field by field, straight into the record: numbers and IPv4 addresses are decoded a word
    /// at a time, names are interned from the bytes. A line the fast path does not take (a header, IPv6, a malformed
    /// line) goes through the tokenizing path, which says why it was skipped.
    public mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>, batchSize: Int = 256, batches body: (UnsafeBufferPointer<FlowRecord>) -> Void) {
        self.statistics.bytes += buffer.count
        guard let base = buffer.baseAddress else { return }
        let count = buffer.count
        var lineNumber = self.linesRead
        defer { self.linesRead = lineNumber }
        var fields = self.fields
        var tokens: [Range<Int>] = []
        let batch = UnsafeMutablePointer<FlowRecord>.allocate(capacity: batchSize)
        batch.initialize(repeating: .empty, count: batchSize)
        defer {
            batch.deinitialize(count: batchSize)
            batch.deallocate()
        }
        var filled = 0
        var start = 0
        while start < count {
            let end = memchr(base + start, 10, count - start).map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) - base } ?? count
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && base[lineEnd - 1] == 13 { lineEnd -= 1 }
            if lineEnd > start {
                if Self.fastRecord(base, start, lineEnd, count, fields, self.names, into: &batch[filled]) {
                    self.statistics.records += 1
                    filled += 1
                } else {
                    tokens.removeAll(keepingCapacity: true)
                    var cursor = start
                    while cursor < lineEnd {
                        while cursor < lineEnd && base[cursor] == 32 { cursor += 1 }
                        let tokenStart = cursor
                        while cursor < lineEnd && base[cursor] != 32 { cursor += 1 }
                        if cursor > tokenStart { tokens.append(tokenStart..<cursor) }
                    }
                    if let record = self.record(buffer, tokens, line: lineNumber, lineRange: start..<lineEnd) {
                        batch[filled] = record
                        filled += 1
                    }
                    fields = self.fields
                }
                if filled == batchSize {
                    body(UnsafeBufferPointer(start: batch, count: filled))
                    filled = 0
                }
            }
            start = end + 1
        }
        if filled > 0 { body(UnsafeBufferPointer(start: batch, count: filled)) }
    }

    /// The common line in one pass, or nil for the tokenizing path (headers, IPv6, NODATA/SKIPDATA, anything odd).
    @inline(__always)
    static func fastRecord(
        _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ bufferEnd: Int, _ fields: [Field], _ names: NameTable,
        into record: inout FlowRecord
    ) -> Bool {
        // Field by field (copying a blank record from elsewhere is a memmove call per line).
        record.accountId = 0
        record.interfaceId = 0
        record.instanceId = 0
        record.source = nil
        record.destination = nil
        record.sourcePort = 0
        record.destinationPort = 0
        record.protocolNumber = 0
        record.packets = 0
        record.bytes = 0
        record.start = 0
        record.end = 0
        record.accepted = false
        record.tcpFlags = -1
        record.flowDirection = .unknown
        var cursor = start
        // A header starts with a letter.
        if base[cursor] >= UInt8(ascii: "a") && base[cursor] <= UInt8(ascii: "z") { return false }
        for field in fields {
            while cursor < end && base[cursor] == 32 { cursor += 1 }
            guard cursor < end else { return false }
            let tokenStart = cursor
            switch field {
            case .srcaddr, .dstaddr:
                cursor = Self.tokenEnd(base, cursor, end, bufferEnd)
                guard let value = Self.ipv4(base, tokenStart, cursor - tokenStart, bufferEnd) else { return false }
                if field == .srcaddr { record.source = IPAddress(v4: value) } else { record.destination = IPAddress(v4: value) }
            case .srcport, .dstport, .protocol, .packets, .bytes, .start, .end, .tcpFlags:
                cursor = Self.tokenEnd(base, cursor, end, bufferEnd)
                guard let value = Self.decimal(base, tokenStart, cursor - tokenStart, bufferEnd), Self.inRange(field, value) else { return false }
                Self.set(field, value, in: &record)
            default:
                cursor = Self.tokenEnd(base, cursor, end, bufferEnd)
                switch field {
                case .accountId: record.accountId = names.intern(base + tokenStart, cursor - tokenStart)
                case .interfaceId: record.interfaceId = names.intern(base + tokenStart, cursor - tokenStart)
                case .instanceId: record.instanceId = names.intern(base + tokenStart, cursor - tokenStart)
                case .action: record.accepted = base[tokenStart] == UInt8(ascii: "A")
                case .flowDirection: record.flowDirection = Self.direction(base[tokenStart])
                case .logStatus:
                    // NODATA and SKIPDATA are counted as skipped by the other path.
                    if base[tokenStart] == UInt8(ascii: "N") || base[tokenStart] == UInt8(ascii: "S") { return false }
                default: break
                }
            }
        }
        while cursor < end && base[cursor] == 32 { cursor += 1 }
        return cursor == end && record.source != nil && record.destination != nil
    }

    /// The latest time a record may carry: 9999-12-31T23:59:59Z (a field past it is malformed, so window arithmetic on
    /// times never nears overflow).
    public static let maxTimestamp: Int64 = 253_402_300_799

    /// Whether a numeric field's value is one a flow can have: ports up to 65535, protocol numbers up to 255, times up
    /// to `maxTimestamp`; packets and bytes are bounded by their 18 digits (sums of them saturate in the rules).
    @inline(__always)
    static func inRange(_ field: Field, _ value: Int64) -> Bool {
        switch field {
        case .srcport, .dstport: return value <= 65_535
        case .protocol: return value <= 255
        case .start, .end: return value <= self.maxTimestamp
        case .tcpFlags: return value <= 255
        default: return true
        }
    }

    /// Stores a numeric field's value.
    @inline(__always)
    static func set(_ field: Field, _ value: Int64, in record: inout FlowRecord) {
        switch field {
        case .srcport: record.sourcePort = Int(value)
        case .dstport: record.destinationPort = Int(value)
        case .protocol: record.protocolNumber = Int(value)
        case .packets: record.packets = Int(value)
        case .bytes: record.bytes = Int(value)
        case .start: record.start = value
        case .tcpFlags: record.tcpFlags = Int16(value)
        default: record.end = value
        }
    }

    /// `ingress` or `egress` by its first letter; anything else is unknown.
    @inline(__always)
    static func direction(_ first: UInt8) -> FlowDirection {
        first == UInt8(ascii: "i") ? .ingress : first == UInt8(ascii: "e") ? .egress : .unknown
    }

    /// Where the token at `cursor` ends (a space or the line's end), eight bytes at a time while the buffer allows.
    @inline(__always)
    static func tokenEnd(_ base: UnsafePointer<UInt8>, _ cursor: Int, _ end: Int, _ bufferEnd: Int) -> Int {
        var position = cursor
        while position + 8 <= bufferEnd {
            let spaces = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self) ^ 0x2020_2020_2020_2020
            // The lowest zero byte of `spaces` is the first space (the usual has-a-zero-byte test; exact at its lowest bit).
            let found = (spaces &- 0x0101_0101_0101_0101) & ~spaces & 0x8080_8080_8080_8080
            if found != 0 { return min(position + found.trailingZeroBitCount >> 3, end) }
            position += 8
            if position >= end { return end }
        }
        while position < end && base[position] != 32 { position += 1 }
        return position
    }

    /// A decimal number of 1 to 18 digits, eight digits per step without a branch per digit (up to 16; digit by digit
    /// beyond); nil when not all digits.
    @inline(__always)
    static func decimal(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, _ bufferEnd: Int) -> Int64? {
        guard count > 0, count <= 16, start + count + 8 <= bufferEnd else { return self.slowDecimal(base, start, count) }
        if count <= 8 { return self.digits(UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self), count).map { Int64($0) } }
        guard let high = self.digits(UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self), count - 8),
            let low = self.digits(UnsafeRawPointer(base + start + count - 8).loadUnaligned(as: UInt64.self), 8)
        else { return nil }
        return Int64(high * 100_000_000 + low)
    }

    /// The value of the first `count` (1…8) bytes of `word` (in memory order) as decimal digits; nil when one is not a digit.
    @inline(__always)
    static func digits(_ word: UInt64, _ count: Int) -> UInt64? {
        // The digits in the high end of the word (the first digit lowest), zeros below: leading zeros.
        let shift = UInt64(8 * (8 - count))
        let word = word << shift
        let mask = UInt64.max << shift
        let zeros = 0x3030_3030_3030_3030 & mask
        guard word & 0xF0F0_F0F0_F0F0_F0F0 == zeros, (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 & mask == zeros else { return nil }
        var value = word & 0x0F0F_0F0F_0F0F_0F0F
        value = (value &* 2561) >> 8
        value = ((value & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((value & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    /// Digit by digit, near the end of the buffer.
    static func slowDecimal(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> Int64? {
        guard count > 0, count <= 18 else { return nil }
        var value: Int64 = 0
        for index in start..<(start + count) {
            let digit = Int64(base[index]) - 48
            guard digit >= 0, digit < 10 else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// A dotted quad of `count` bytes as IPAddressParser reads it (no octet over 255, no leading zero), from its dots'
    /// positions found in one step; nil for anything else (IPv6, "-"), which the tokenizing path reads.
    @inline(__always)
    static func ipv4(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, _ bufferEnd: Int) -> UInt32? {
        guard count >= 7, count <= 15, start + 24 <= bufferEnd else { return nil }
        let text = UnsafeRawPointer(base + start).loadUnaligned(as: UInt128.self)
        let low7: UInt128 = 0x7F7F_7F7F_7F7F_7F7F_7F7F_7F7F_7F7F_7F7F
        let x = text ^ 0x2E2E_2E2E_2E2E_2E2E_2E2E_2E2E_2E2E_2E2E
        // The high bit of each byte that is a dot, exactly (no borrow between bytes).
        var dots = ~(((x & low7) &+ low7) | x | low7) & ((UInt128(1) << (8 * count)) - 1)
        guard dots.nonzeroBitCount == 3 else { return nil }
        let first = dots.trailingZeroBitCount >> 3
        dots &= dots - 1
        let second = dots.trailingZeroBitCount >> 3
        dots &= dots - 1
        let third = dots.trailingZeroBitCount >> 3
        @inline(__always) func octet(_ from: Int, _ to: Int) -> UInt32? {
            let length = to - from
            guard length >= 1, length <= 3, length == 1 || base[start + from] != 48,
                let value = self.digits(UnsafeRawPointer(base + start + from).loadUnaligned(as: UInt64.self), length), value <= 255
            else { return nil }
            return UInt32(truncatingIfNeeded: value)
        }
        guard let a = octet(0, first), let b = octet(first + 1, second), let c = octet(second + 1, third), let d = octet(third + 1, count) else {
            return nil
        }
        let address = a << 24 | b << 16 | c << 8 | d
        return address
    }

    /// The tokenizing path: headers, malformed lines with their reason, IPv6, NODATA/SKIPDATA.
    private mutating func record(_ buffer: UnsafeBufferPointer<UInt8>, _ tokens: [Range<Int>], line: Int, lineRange: Range<Int>) -> FlowRecord? {
        // A header line names the fields (custom formats): it starts with a letter and names at least the addresses.
        if let first = tokens.first, buffer[first.lowerBound] >= UInt8(ascii: "a"), buffer[first.lowerBound] <= UInt8(ascii: "z") {
            let header = tokens.map { Field(rawValue: String(decoding: buffer[$0], as: UTF8.self)) ?? .other }
            if header.contains(.srcaddr) && header.contains(.dstaddr) {
                self.fields = header
                return nil
            }
        }
        guard tokens.count == self.fields.count else {
            self.statistics.malformed(
                line, String(decoding: buffer[lineRange], as: UTF8.self), "expected \(self.fields.count) fields, found \(tokens.count)")
            return nil
        }
        var record = FlowRecord(
            accountId: 0, interfaceId: 0, source: nil, destination: nil, sourcePort: 0, destinationPort: 0, protocolNumber: 0, packets: 0,
            bytes: 0, start: 0, end: 0, accepted: false, instanceId: 0
        )
        for (index, field) in self.fields.enumerated() {
            let token = buffer[tokens[index]]
            let dash = token.count == 1 && token.first == UInt8(ascii: "-")
            switch field {
            case .accountId: record.accountId = self.names.intern(token)
            case .interfaceId: record.interfaceId = self.names.intern(token)
            case .instanceId: record.instanceId = self.names.intern(token)
            case .srcaddr, .dstaddr:
                if dash { continue }
                guard let address = IPAddress.parse(token) else {
                    self.statistics.malformed(line, String(decoding: buffer[lineRange], as: UTF8.self), "\(field.rawValue) is not an IP address")
                    return nil
                }
                if field == .srcaddr { record.source = address } else { record.destination = address }
            case .srcport, .dstport, .protocol, .packets, .bytes, .start, .end, .tcpFlags:
                if dash { continue }
                guard let value = Self.integer(token) else {
                    self.statistics.malformed(line, String(decoding: buffer[lineRange], as: UTF8.self), "\(field.rawValue) is not a number")
                    return nil
                }
                guard Self.inRange(field, value) else {
                    self.statistics.malformed(line, String(decoding: buffer[lineRange], as: UTF8.self), "\(field.rawValue) is out of range")
                    return nil
                }
                Self.set(field, value, in: &record)
            case .action:
                record.accepted = token.first == UInt8(ascii: "A")
            case .flowDirection:
                record.flowDirection = token.first.map(Self.direction) ?? .unknown
            case .logStatus:
                if token.first == UInt8(ascii: "N") || token.first == UInt8(ascii: "S") {
                    self.statistics.skipped += 1
                    return nil
                }
            case .version, .other:
                continue
            }
        }
        guard record.source != nil, record.destination != nil else {
            self.statistics.skipped += 1
            return nil
        }
        self.statistics.records += 1
        return record
    }

    @inline(__always)
    static func integer(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return value
    }
}
