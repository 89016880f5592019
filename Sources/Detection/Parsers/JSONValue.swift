/// A small JSON tree, read from bytes, for the few parts of a log record a rule looks into (a Kubernetes request's
/// pod spec, role binding or service). Nesting deeper than `maxDepth` and anything that is not JSON give nil rather
/// than a crash; invalid UTF-8 inside strings is replaced, never trusted.
enum JSONValue: Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    static let maxDepth = 64

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// The tree of `bytes` (one value, surrounding space allowed), or nil.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            guard let value = cursor.tree(depth: 0) else { return nil }
            cursor.skipSpace()
            return cursor.index == buffer.count ? value : nil
        }
    }

    /// The member `key` of an object (nil for anything else).
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var array: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    var members: [(String, JSONValue)] {
        if case .object(let members) = self { return members }
        return []
    }
}

extension JSONCursor {
    /// Reads one value as a tree (nil: not JSON, or nested deeper than `JSONValue.maxDepth`).
    mutating func tree(depth: Int) -> JSONValue? {
        guard depth < JSONValue.maxDepth else { return nil }
        self.skipSpace()
        guard self.index < self.bytes.count else { return nil }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"):
            var members: [(String, JSONValue)] = []
            let complete = self.object { cursor, start, count in
                let raw = UnsafeBufferPointer(start: start, count: count)
                guard let key = raw.contains(92) ? CloudTrailScanner.unescape(raw) : String(decoding: raw, as: UTF8.self) else { return false }
                guard let value = cursor.tree(depth: depth + 1) else { return false }
                members.append((key, value))
                return true
            }
            return complete ? .object(members) : nil
        case UInt8(ascii: "["):
            var items: [JSONValue] = []
            let complete = self.array { cursor in
                guard let value = cursor.tree(depth: depth + 1) else { return false }
                items.append(value)
                return true
            }
            return complete ? .array(items) : nil
        case UInt8(ascii: "\""):
            return self.string().map(JSONValue.string)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let start = self.index
            guard self.skipValue() else { return nil }
            let word = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
            if word.elementsEqual("true".utf8) { return .bool(true) }
            if word.elementsEqual("false".utf8) { return .bool(false) }
            if word.elementsEqual("null".utf8) { return .null }
            return nil
        default:
            let start = self.index
            guard self.skipValue() else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
            return Double(text).map(JSONValue.number)
        }
    }
}
