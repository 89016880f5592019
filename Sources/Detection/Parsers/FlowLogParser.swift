/// VPC Flow Logs, byte by byte: the default version 2 format, or any custom field list given by the header line
/// AWS writes to S3 (`version account-id interface-id srcaddr …`); IPv4 and IPv6; `-` fields; NODATA and SKIPDATA
/// records are counted as skipped. A malformed line is counted and skipped.
public struct FlowLogParser {
    public enum Field: String, CaseIterable, Sendable {
        case version, accountId = "account-id", interfaceId = "interface-id", srcaddr, dstaddr, srcport, dstport
        case `protocol`, packets, bytes, start, end, action, logStatus = "log-status", instanceId = "instance-id"
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
        self.statistics.bytes += data.count
        var lineNumber = self.linesRead
        defer { self.linesRead = lineNumber }
        var start = 0
        var tokens: [Range<Int>] = []
        tokens.reserveCapacity(32)
        data.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            while start < count {
                var end = start
                while end < count && buffer[end] != 10 { end += 1 }
                lineNumber += 1
                var lineEnd = end
                if lineEnd > start && buffer[lineEnd - 1] == 13 { lineEnd -= 1 }
                if lineEnd > start {
                    tokens.removeAll(keepingCapacity: true)
                    var cursor = start
                    while cursor < lineEnd {
                        while cursor < lineEnd && buffer[cursor] == 32 { cursor += 1 }
                        let tokenStart = cursor
                        while cursor < lineEnd && buffer[cursor] != 32 { cursor += 1 }
                        if cursor > tokenStart { tokens.append(tokenStart..<cursor) }
                    }
                    if let record = self.record(buffer, tokens, line: lineNumber, lineRange: start..<lineEnd) { body(record) }
                }
                start = end + 1
            }
        }
    }

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
            self.statistics.malformed(line, String(decoding: buffer[lineRange], as: UTF8.self), "expected \(self.fields.count) fields, found \(tokens.count)")
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
            case .srcport, .dstport, .protocol, .packets, .bytes, .start, .end:
                if dash { continue }
                guard let value = Self.integer(token) else {
                    self.statistics.malformed(line, String(decoding: buffer[lineRange], as: UTF8.self), "\(field.rawValue) is not a number")
                    return nil
                }
                switch field {
                case .srcport: record.sourcePort = Int(value)
                case .dstport: record.destinationPort = Int(value)
                case .protocol: record.protocolNumber = Int(value)
                case .packets: record.packets = Int(value)
                case .bytes: record.bytes = Int(value)
                case .start: record.start = value
                default: record.end = value
                }
            case .action:
                record.accepted = token.first == UInt8(ascii: "A")
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
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return value
    }
}
