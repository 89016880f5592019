/// An optional member kept behind a reference, so that a finding carries one pointer for it instead of the member's
/// whole inline size: for the large members most findings leave out (the Kubernetes details and actions), which
/// would otherwise make every finding an agent holds larger. Encoded and decoded exactly as the optional it wraps
/// (left out when nil, absent or `null` read as nil); equal when the values are.
@propertyWrapper
public struct Indirect<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The value's storage, shared by copies until one of them sets a new value.
    final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box?

    public var wrappedValue: Value? {
        get { self.box?.value }
        set { self.box = newValue.map(Box.init) }
    }

    public init(wrappedValue: Value?) {
        self.box = wrappedValue.map(Box.init)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.box = container.decodeNil() ? nil : Box(try container.decode(Value.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let box = self.box { try container.encode(box.value) } else { try container.encodeNil() }
    }

    public static func == (lhs: Indirect, rhs: Indirect) -> Bool { lhs.wrappedValue == rhs.wrappedValue }
}

extension KeyedDecodingContainer {
    /// An `Indirect` member reads as an optional one: absent is nil.
    public func decode<Value>(_ type: Indirect<Value>.Type, forKey key: Key) throws -> Indirect<Value> {
        Indirect(wrappedValue: try self.decodeIfPresent(Value.self, forKey: key))
    }
}

extension KeyedEncodingContainer {
    /// An `Indirect` member writes as an optional one: nil is left out.
    public mutating func encode<Value>(_ value: Indirect<Value>, forKey key: Key) throws {
        try self.encodeIfPresent(value.wrappedValue, forKey: key)
    }
}
