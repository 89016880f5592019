/// JSON text written straight into bytes, without `JSONEncoder`'s intermediate tree of boxed values and sorted
/// dictionaries: what `guardpost-agent scan` and the agent's outbox spend on each finding. The output is byte for byte
/// what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`, and with `.prettyPrinted` when `pretty`
/// (two-space indent, `"key" : value`, an empty container as `[`, a blank line and `]`). Callers write members in
/// sorted key order themselves; `JSONTextWriterTests` holds each conformance to `JSONEncoder`'s bytes.
public struct JSONTextWriter {
    /// The text written so far.
    public var bytes: [UInt8] = []
    /// Whether to write `.prettyPrinted`'s layout.
    public let pretty: Bool
    /// How many containers are open.
    var depth = 0
    /// Whether nothing has been written yet in the innermost open container.
    var empty = true

    public init(pretty: Bool, capacity: Int = 4_096) {
        self.pretty = pretty
        self.bytes.reserveCapacity(capacity)
    }

    // MARK: Containers

    /// Opens an object; its members follow, each through `key(_:)` and a value.
    public mutating func beginObject() {
        self.bytes.append(UInt8(ascii: "{"))
        self.depth += 1
        self.empty = true
    }

    /// Closes the innermost object.
    public mutating func endObject() { self.close(UInt8(ascii: "}")) }

    /// Opens an array; its elements follow, each after `nextElement()`.
    public mutating func beginArray() {
        self.bytes.append(UInt8(ascii: "["))
        self.depth += 1
        self.empty = true
    }

    /// Closes the innermost array.
    public mutating func endArray() { self.close(UInt8(ascii: "]")) }

    /// Starts the next element of the innermost array.
    public mutating func nextElement() { self.separate() }

    /// Starts a member of the innermost object: the separator, the key and the colon. The key is written as it is
    /// (keys are the model's names, which need no escaping).
    public mutating func key(_ key: StaticString) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        self.raw(key)
        self.raw(self.pretty ? "\" : " : "\":")
    }

    /// Appends text that needs no escaping, from the binary's constant (no array made per call).
    mutating func raw(_ text: StaticString) {
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func separate() {
        if !self.empty { self.bytes.append(UInt8(ascii: ",")) }
        self.empty = false
        if self.pretty { self.newline() }
    }

    mutating func close(_ bracket: UInt8) {
        self.depth -= 1
        if self.pretty {
            if self.empty { self.bytes.append(UInt8(ascii: "\n")) }
            self.newline()
        }
        self.bytes.append(bracket)
        self.empty = false
    }

    mutating func newline() {
        self.bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<self.depth { self.raw("  ") }
    }

    // MARK: Values

    /// A string, escaped as `JSONEncoder` escapes it: `"` and `\`, the control characters below U+0020 (`\b`, `\t`,
    /// `\n`, `\f`, `\r` by name, the others as `\u00xx`); everything else, `/` included, as it is.
    public mutating func value(_ string: String) {
        self.bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                self.bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): self.bytes.append(byte)
                case 0x08: self.bytes.append(UInt8(ascii: "b"))
                case 0x09: self.bytes.append(UInt8(ascii: "t"))
                case 0x0A: self.bytes.append(UInt8(ascii: "n"))
                case 0x0C: self.bytes.append(UInt8(ascii: "f"))
                case 0x0D: self.bytes.append(UInt8(ascii: "r"))
                default:
                    self.raw("u00")
                    self.bytes.append(Self.hexDigits[Int(byte >> 4)])
                    self.bytes.append(Self.hexDigits[Int(byte & 15)])
                }
            }
            self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// An integer in decimal.
    public mutating func value(_ integer: Int) {
        if integer < 0 { self.bytes.append(UInt8(ascii: "-")) }
        var magnitude = integer.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            self.bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// A number as `JSONEncoder` writes a `Double`: its shortest round-trip description, without a trailing `.0`
    /// (`5`, `2.5`, `1e+16`, `-0`).
    public mutating func value(_ number: Double) {
        if number == number.rounded(.towardZero), number.magnitude < 1e15, number != 0 || number.sign == .plus {
            self.value(Int(number))
            return
        }
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        self.bytes.append(contentsOf: text.utf8)
    }

    /// `true` or `false`.
    public mutating func value(_ flag: Bool) { self.raw(flag ? "true" : "false") }

    /// Lower-case hexadecimal digits, for `\u00xx` escapes.
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A value that writes itself.
    public mutating func value(_ value: some JSONTextWritable) { value.write(to: &self) }

    /// An array of values that write themselves.
    public mutating func value(_ values: [some JSONTextWritable]) {
        self.beginArray()
        for value in values {
            self.nextElement()
            value.write(to: &self)
        }
        self.endArray()
    }

    // MARK: Members

    /// A member, left out when nil (as JSONEncoder's `encodeIfPresent`).
    public mutating func member(_ key: StaticString, _ value: (some JSONTextWritable)?) {
        guard let value else { return }
        self.key(key)
        value.write(to: &self)
    }

    /// An array member, left out when nil.
    public mutating func member(_ key: StaticString, _ values: [some JSONTextWritable]?) {
        guard let values else { return }
        self.key(key)
        self.value(values)
    }
}

/// The scalars write themselves through the writer's `value` overloads, so that a member of any kind goes through
/// one `member(_:_:)`.
extension String: JSONTextWritable {
    public func write(to writer: inout JSONTextWriter) { writer.value(self) }
}

extension Int: JSONTextWritable {
    public func write(to writer: inout JSONTextWriter) { writer.value(self) }
}

extension Double: JSONTextWritable {
    public func write(to writer: inout JSONTextWriter) { writer.value(self) }
}

extension Bool: JSONTextWritable {
    public func write(to writer: inout JSONTextWriter) { writer.value(self) }
}
