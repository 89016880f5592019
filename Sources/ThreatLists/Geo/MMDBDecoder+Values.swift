/// Typed reads of single values, and the full decode used for metadata and for checking a whole file.
extension MMDBDecoder {
    /// A string at `offset` (through a pointer); nil when it is another type or not valid UTF-8.
    func string(at offset: Int) throws(MMDBError) -> String? {
        let field = try self.resolved(at: offset)
        guard field.type == Self.stringType else { return nil }
        let end = try self.scalarEnd(field)
        return String(validating: self.bytes[field.payload..<end], as: UTF8.self)
    }

    /// A number at `offset`: double, float, any integer, or a decimal string (IPinfo's CSV-born databases).
    func number(at offset: Int) throws(MMDBError) -> Double? {
        let field = try self.resolved(at: offset)
        let end = try self.scalarEnd(field)
        switch field.type {
        case 3: return Double(bitPattern: self.unsigned64(field))
        case 15: return Double(Float(bitPattern: UInt32(self.unsigned64(field))))
        case 5, 6, 9: return Double(self.unsigned64(field))
        case 8: return Double(Int32(bitPattern: UInt32(self.unsigned64(field))))
        case Self.stringType: return String(validating: self.bytes[field.payload..<end], as: UTF8.self).flatMap { Double($0) }
        default: return nil
        }
    }

    /// An unsigned or int32 value at `offset` that fits in 64 bits.
    func unsigned(at offset: Int) throws(MMDBError) -> UInt64? {
        let field = try self.resolved(at: offset)
        _ = try self.scalarEnd(field)
        switch field.type {
        case 5, 6, 9: return self.unsigned64(field)
        case 10: return UInt64(exactly: self.unsigned128(field))
        case 8: return UInt64(exactly: Int32(bitPattern: UInt32(self.unsigned64(field))))
        default: return nil
        }
    }

    func unsigned64(_ field: Field) -> UInt64 {
        var value: UInt64 = 0
        for index in field.payload..<(field.payload + field.size) { value = value << 8 | UInt64(self.bytes[index]) }
        return value
    }

    func unsigned128(_ field: Field) -> UInt128 {
        var value: UInt128 = 0
        for index in field.payload..<(field.payload + field.size) { value = value << 8 | UInt128(self.bytes[index]) }
        return value
    }

    /// The whole value at `offset`, following pointers, within the nesting bound and the shared item budget.
    /// Returns the value and the offset after its encoding (after the pointer, for a pointer).
    func value(at offset: Int, depth: Int, budget: inout Int) throws(MMDBError) -> (MMDBValue, Int) {
        guard depth < Self.maximumDepth else { throw MMDBError("data nested deeper than \(Self.maximumDepth) levels (or a pointer cycle)") }
        budget -= 1
        guard budget > 0 else { throw MMDBError("data holds more than \(Self.itemBudget) items") }
        let field = try self.field(at: offset)
        if field.type == Self.pointerType {
            let target = self.start + field.size
            guard target < self.end else { throw MMDBError("pointer at \(offset - self.start) points outside the data section") }
            guard try self.field(at: target).type != Self.pointerType else {
                throw MMDBError("pointer at \(offset - self.start) points to another pointer")
            }
            return (try self.value(at: target, depth: depth + 1, budget: &budget).0, field.payload)
        }
        switch field.type {
        case Self.mapType, Self.arrayType: return try self.container(field, depth: depth, budget: &budget)
        default:
            let end = try self.scalarEnd(field)
            return (try self.scalar(field, end: end), end)
        }
    }

    private func scalar(_ field: Field, end: Int) throws(MMDBError) -> MMDBValue {
        switch field.type {
        case Self.stringType:
            guard let text = String(validating: self.bytes[field.payload..<end], as: UTF8.self) else {
                throw MMDBError("a string at \(field.payload - self.start) is not valid UTF-8")
            }
            return .string(text)
        case 3: return .double(Double(bitPattern: self.unsigned64(field)))
        case 15: return .float(Float(bitPattern: UInt32(self.unsigned64(field))))
        case 4: return .bytes(Array(self.bytes[field.payload..<end]))
        case 5, 6, 9: return .unsigned(self.unsigned64(field))
        case 10: return .unsigned128(self.unsigned128(field))
        case 8: return .signed(Int32(bitPattern: UInt32(self.unsigned64(field))))
        default: return .boolean(field.size == 1)
        }
    }

    private func container(_ field: Field, depth: Int, budget: inout Int) throws(MMDBError) -> (MMDBValue, Int) {
        let items = field.type == Self.mapType ? field.size * 2 : field.size
        guard items <= self.end - field.payload else { throw MMDBError("a container of \(field.size) items runs past the data section") }
        var cursor = field.payload
        if field.type == Self.arrayType {
            var elements: [MMDBValue] = []
            elements.reserveCapacity(field.size)
            for _ in 0..<field.size {
                let (element, next) = try self.value(at: cursor, depth: depth + 1, budget: &budget)
                elements.append(element)
                cursor = next
            }
            return (.array(elements), cursor)
        }
        var entries: [String: MMDBValue] = [:]
        for _ in 0..<field.size {
            let (key, afterKey) = try self.value(at: cursor, depth: depth + 1, budget: &budget)
            guard case .string(let name) = key else { throw MMDBError("a map key at \(cursor - self.start) is not a string") }
            let (element, next) = try self.value(at: afterKey, depth: depth + 1, budget: &budget)
            entries[name] = element
            cursor = next
        }
        return (.map(entries), cursor)
    }
}
