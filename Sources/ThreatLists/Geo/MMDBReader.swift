import Foundation

/// A MaxMind DB (.mmdb) file held in memory: GeoLite2/GeoIP2, DB-IP, IPinfo and ip-location-db databases share the format.
/// Opening checks the metadata and that the search tree fits the file; a lookup walks at most 128 nodes and answers nil
/// for an address not in the database or a record the file cannot back. The file is never trusted: nothing it says can
/// make the reader trap, loop or read outside it.
public struct MMDBReader: Sendable {
    /// The metadata section starts after the last occurrence of this marker, within the file's last 128 KiB.
    static let metadataMarker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
    static let metadataWindow = 128 * 1024

    public let metadata: MMDBMetadata
    let bytes: [UInt8]
    let nodeCount: Int
    let nodeBytes: Int
    let data: MMDBDecoder
    /// The node reached by 96 zero bits in an IPv6 tree (where IPv4 addresses live).
    let ipv4Start: Int

    /// Reads the whole file at `path`; errors name the file.
    public init(path: String) throws(MMDBError) {
        guard let contents = FileManager.default.contents(atPath: path) else { throw MMDBError("cannot read \(path)") }
        do {
            self = try MMDBReader(bytes: [UInt8](contents))
        } catch {
            throw MMDBError("\(path): \(error.description)")
        }
    }

    public init(bytes: [UInt8]) throws(MMDBError) {
        guard let markerEnd = Self.metadataStart(in: bytes) else { throw MMDBError("no MaxMind DB metadata marker in the file") }
        let metadataDecoder = MMDBDecoder(bytes: bytes, start: markerEnd, end: bytes.count)
        var budget = MMDBDecoder.itemBudget
        let metadata = try MMDBMetadata(metadataDecoder.value(at: markerEnd, depth: 0, budget: &budget).0)
        let nodeBytes = metadata.recordSize / 4
        let treeSize = metadata.nodeCount.multipliedReportingOverflow(by: nodeBytes)
        let markerStart = markerEnd - Self.metadataMarker.count
        guard !treeSize.overflow, treeSize.partialValue + 16 <= markerStart else {
            throw MMDBError("node_count \(metadata.nodeCount) × \(nodeBytes) bytes does not fit in the file (\(bytes.count) bytes)")
        }
        self.metadata = metadata
        self.bytes = bytes
        self.nodeCount = metadata.nodeCount
        self.nodeBytes = nodeBytes
        self.data = MMDBDecoder(bytes: bytes, start: treeSize.partialValue + 16, end: markerStart)
        var node = 0
        var depth = 0
        if metadata.ipVersion == 6 {
            while depth < 96 && node < metadata.nodeCount {
                node = Self.record(bytes, node: node, right: false, nodeBytes: nodeBytes)
                depth += 1
            }
        }
        self.ipv4Start = node
    }

    /// One past the last metadata marker in the file's tail, if any.
    static func metadataStart(in bytes: [UInt8]) -> Int? {
        let marker = Self.metadataMarker
        let lowest = max(0, bytes.count - Self.metadataWindow)
        var index = bytes.count - marker.count
        while index >= lowest {
            if bytes[index] == marker[0] && bytes[index..<(index + marker.count)].elementsEqual(marker) { return index + marker.count }
            index -= 1
        }
        return nil
    }

    /// The left or right record of `node`, which the caller knows is below node_count (so inside the tree).
    @inline(__always)
    static func record(_ bytes: [UInt8], node: Int, right: Bool, nodeBytes: Int) -> Int {
        let base = node * nodeBytes
        func read(_ offset: Int, _ count: Int) -> Int {
            var value = 0
            for index in offset..<(offset + count) { value = value << 8 | Int(bytes[index]) }
            return value
        }
        switch nodeBytes {
        case 6: return right ? read(base + 3, 3) : read(base, 3)
        case 7:
            let middle = Int(bytes[base + 3])
            return right ? (middle & 0x0F) << 24 | read(base + 4, 3) : (middle & 0xF0) << 20 | read(base, 3)
        default: return right ? read(base + 4, 4) : read(base, 4)
        }
    }

    /// The data-section offset a record value points to, or nil for "not found" and for values the file cannot back.
    func dataOffset(forRecord value: Int) -> Int? {
        guard value > self.nodeCount else { return nil }
        let offset = self.data.start + (value - self.nodeCount - 16)
        guard offset >= self.data.start, offset < self.data.end else { return nil }
        return offset
    }

    /// Walks `bits` bits of `address` (most significant first) from `start`; nil when not found or the tree is broken.
    func walk(_ address: UInt128, bits: Int, from start: Int) -> MMDBRecord? {
        var node = start
        var depth = 0
        while depth < bits && node < self.nodeCount {
            let bit = (address >> UInt128(bits - 1 - depth)) & 1 == 1
            node = Self.record(self.bytes, node: node, right: bit, nodeBytes: self.nodeBytes)
            depth += 1
        }
        guard let offset = self.dataOffset(forRecord: node) else { return nil }
        return MMDBRecord(offset: offset, prefixLength: depth)
    }

    /// The record for an IPv4 address (in an IPv6 database: its IPv4 subtree).
    public func lookup(v4 address: UInt32) -> MMDBRecord? {
        self.walk(UInt128(address), bits: 32, from: self.ipv4Start)
    }

    /// The record for an IPv6 address; an IPv4 database answers only IPv4-mapped addresses (::ffff:a.b.c.d).
    public func lookup(v6 address: UInt128) -> MMDBRecord? {
        if self.metadata.ipVersion == 4 {
            guard address >> 32 == 0xFFFF else { return nil }
            return self.lookup(v4: UInt32(truncatingIfNeeded: address))
        }
        return self.walk(address, bits: 128, from: 0)
    }

    /// The record for an address written as text; nil when it is not an address or not in the database.
    public func lookup(_ address: String) -> MMDBRecord? {
        if let v4 = IPAddressParser.ipv4(address.utf8) { return self.lookup(v4: v4) }
        if let v6 = IPAddressParser.ipv6(address.utf8) { return self.lookup(v6: v6) }
        return nil
    }
}
