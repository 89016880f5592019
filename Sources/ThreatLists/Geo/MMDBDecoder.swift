/// Reads one data section of a MaxMind DB (the records' or the metadata's): control bytes, pointers and values.
/// Every offset and length is checked against the section, nesting is bounded (so pointer cycles end), and a full decode
/// has an item budget (so shared sub-values cannot make it exponential). Offsets are absolute offsets into `bytes`.
struct MMDBDecoder: Sendable {
    /// One decoded control byte: the type, the size (a pointer's target for pointers) and where the payload starts.
    struct Field {
        var type: UInt8
        var size: Int
        var payload: Int
    }

    static let maximumDepth = 64
    static let itemBudget = 1 << 20
    static let pointerType: UInt8 = 1
    static let stringType: UInt8 = 2
    static let mapType: UInt8 = 7
    static let arrayType: UInt8 = 11

    let bytes: [UInt8]
    /// The section's first byte: pointers count from here.
    let start: Int
    /// One past the section's last byte.
    let end: Int

    /// Big-endian unsigned integer of `count` bytes at `offset`, which the caller has bounds-checked.
    @inline(__always)
    func integer(at offset: Int, count: Int) -> Int {
        var value = 0
        for index in offset..<(offset + count) { value = value << 8 | Int(self.bytes[index]) }
        return value
    }

    /// The control byte (and extended type, size bytes or pointer bytes) at `offset`.
    func field(at offset: Int) throws(MMDBError) -> Field {
        guard offset >= self.start, offset < self.end else { throw MMDBError("data offset \(offset - self.start) is outside the data section") }
        let control = self.bytes[offset]
        var cursor = offset + 1
        var type = control >> 5
        if type == Self.pointerType {
            let sizeBits = Int((control >> 3) & 3)
            let count = sizeBits + 1
            guard cursor + count <= self.end else { throw MMDBError("pointer at \(offset - self.start) runs past the data section") }
            var value = sizeBits == 3 ? 0 : Int(control & 7)
            value = value << (8 * count) | self.integer(at: cursor, count: count)
            value += [0, 2048, 526_336, 0][sizeBits]
            return Field(type: type, size: value, payload: cursor + count)
        }
        if type == 0 {
            guard cursor < self.end else { throw MMDBError("extended type at \(offset - self.start) runs past the data section") }
            let extended = Int(self.bytes[cursor]) + 7
            guard extended >= 8, extended <= 15 else { throw MMDBError("unknown extended type \(extended) at \(offset - self.start)") }
            type = UInt8(extended)
            cursor += 1
        }
        var size = Int(control & 0x1F)
        if size >= 29 {
            let extra = size - 28
            guard cursor + extra <= self.end else { throw MMDBError("size at \(offset - self.start) runs past the data section") }
            size = [29, 285, 65_821][extra - 1] + self.integer(at: cursor, count: extra)
            cursor += extra
        }
        return Field(type: type, size: size, payload: cursor)
    }

    /// The field at `offset`, through one pointer if it is one (a pointer to a pointer is invalid, as the spec says).
    func resolved(at offset: Int) throws(MMDBError) -> Field {
        let field = try self.field(at: offset)
        guard field.type == Self.pointerType else { return field }
        let target = self.start + field.size
        guard target < self.end else { throw MMDBError("pointer at \(offset - self.start) points outside the data section") }
        let pointed = try self.field(at: target)
        guard pointed.type != Self.pointerType else { throw MMDBError("pointer at \(offset - self.start) points to another pointer") }
        return pointed
    }

    /// Checks a scalar's size for its type and that its payload lies inside the section; returns the offset after it.
    func scalarEnd(_ field: Field) throws(MMDBError) -> Int {
        var allowed = 0...Int.max
        switch field.type {
        case 2, 4: break
        case 3: allowed = 8...8
        case 15: allowed = 4...4
        case 5: allowed = 0...2
        case 6, 8: allowed = 0...4
        case 9: allowed = 0...8
        case 10: allowed = 0...16
        case 14: allowed = 0...1
        default: throw MMDBError("type \(field.type) is not allowed in a record")
        }
        guard allowed.contains(field.size) else { throw MMDBError("type \(field.type) cannot have size \(field.size)") }
        if field.type == 14 { return field.payload }
        guard field.size <= self.end - field.payload else { throw MMDBError("a value of \(field.size) bytes runs past the data section") }
        return field.payload + field.size
    }

    /// The offset just after the value at `offset`, without following pointers (so linear in the bytes it covers).
    func skip(_ offset: Int, depth: Int) throws(MMDBError) -> Int {
        let field = try self.field(at: offset)
        switch field.type {
        case Self.pointerType: return field.payload
        case Self.mapType, Self.arrayType:
            guard depth < Self.maximumDepth else { throw MMDBError("data nested deeper than \(Self.maximumDepth) levels") }
            let items = field.type == Self.mapType ? field.size * 2 : field.size
            guard items <= self.end - field.payload else { throw MMDBError("a container of \(field.size) items runs past the data section") }
            var cursor = field.payload
            for _ in 0..<items { cursor = try self.skip(cursor, depth: depth + 1) }
            return cursor
        default: return try self.scalarEnd(field)
        }
    }

    /// The offset of the value under `key` in the map at `offset` (through a pointer), or nil when absent or not a map.
    func member(_ key: String, ofMapAt offset: Int) throws(MMDBError) -> Int? {
        let map = try self.resolved(at: offset)
        guard map.type == Self.mapType else { return nil }
        var cursor = map.payload
        for _ in 0..<map.size {
            let name = try self.resolved(at: cursor)
            guard name.type == Self.stringType else { throw MMDBError("a map key is not a string") }
            let nameEnd = try self.scalarEnd(name)
            let matches = self.bytes[name.payload..<nameEnd].elementsEqual(key.utf8)
            cursor = try self.skip(cursor, depth: 1)
            if matches { return cursor }
            cursor = try self.skip(cursor, depth: 1)
        }
        return nil
    }

    /// The offsets of the values under each of `keys` in the map at `offset`, in one pass over it (nil: absent).
    func members(_ keys: [String], ofMapAt offset: Int) throws(MMDBError) -> [Int?] {
        var found = [Int?](repeating: nil, count: keys.count)
        let map = try self.resolved(at: offset)
        guard map.type == Self.mapType else { return found }
        var cursor = map.payload
        for _ in 0..<map.size {
            let name = try self.resolved(at: cursor)
            guard name.type == Self.stringType else { throw MMDBError("a map key is not a string") }
            let key = self.bytes[name.payload..<(try self.scalarEnd(name))]
            cursor = try self.skip(cursor, depth: 1)
            if let index = keys.firstIndex(where: { $0.utf8.count == key.count && $0.utf8.elementsEqual(key) }), found[index] == nil {
                found[index] = cursor
            }
            cursor = try self.skip(cursor, depth: 1)
        }
        return found
    }

    /// The value at `path` below `offset` (each step a map key), or nil when a step is missing.
    func offset(of path: [String], from offset: Int) throws(MMDBError) -> Int? {
        var current = offset
        for key in path {
            guard let next = try self.member(key, ofMapAt: current) else { return nil }
            current = next
        }
        return current
    }
}
