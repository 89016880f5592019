/// A decoded value of a MaxMind DB data section (the metadata, or a whole record when a caller wants one).
public enum MMDBValue: Equatable, Sendable {
    case string(String)
    case double(Double)
    case float(Float)
    case bytes([UInt8])
    case unsigned(UInt64)
    case unsigned128(UInt128)
    case signed(Int32)
    case boolean(Bool)
    case array([MMDBValue])
    case map([String: MMDBValue])

    /// The value under `key` when this is a map.
    public subscript(key: String) -> MMDBValue? {
        if case .map(let entries) = self { return entries[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Any unsigned or non-negative signed integer that fits in 64 bits.
    public var unsignedValue: UInt64? {
        switch self {
        case .unsigned(let value): return value
        case .unsigned128(let value): return UInt64(exactly: value)
        case .signed(let value): return UInt64(exactly: value)
        default: return nil
        }
    }
}
