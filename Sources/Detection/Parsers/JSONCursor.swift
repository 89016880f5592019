/// A position in JSON bytes with the moves a byte-level reader needs: members of an object by their raw key bytes,
/// items of an array, strings decoded only when asked, and any other value skipped by structure without building
/// it. Skipping counts brackets instead of recursing, so nesting depth costs no stack. Every move returns false (or
/// nil) on input it does not understand, never traps.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    @inline(__always)
    mutating func skipSpace() {
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            guard byte == 32 || byte == 10 || byte == 13 || byte == 9 else { return }
            self.index += 1
        }
    }

    /// Past the closing quote of the string that starts at `index` (an opening quote); its content is
    /// `start..<end - 1`. `escaped` says whether it holds a backslash.
    @inline(__always)
    mutating func rawString() -> (start: Int, end: Int, escaped: Bool)? {
        guard self.index < self.bytes.count, self.bytes[self.index] == 34 else { return nil }
        self.index += 1
        let start = self.index
        var escaped = false
        let count = self.bytes.count
        while self.index < count {
            let byte = self.bytes[self.index]
            if byte == 34 {
                self.index += 1
                return (start, self.index - 1, escaped)
            }
            if byte == 92 {
                escaped = true
                self.index += 1
            }
            self.index += 1
        }
        return nil
    }

    /// A string value (nil: not a string). Invalid UTF-8 is replaced.
    mutating func string() -> String? {
        self.skipSpace()
        guard let raw = self.rawString() else { return nil }
        let content = UnsafeBufferPointer(rebasing: self.bytes[raw.start..<raw.end])
        return raw.escaped ? CloudTrailScanner.unescape(content) : String(decoding: content, as: UTF8.self)
    }

    /// A string value, or nil for `null` and any other type (skipped); false when the input is broken.
    mutating func optionalString() -> (ok: Bool, value: String?) {
        self.skipSpace()
        guard self.index < self.bytes.count else { return (false, nil) }
        if self.bytes[self.index] == 34 {
            let value = self.string()
            return (value != nil, value)
        }
        return (self.skipValue(), nil)
    }

    /// An integer value (nil for any other value, which is skipped); false when the input is broken.
    mutating func optionalInt() -> (ok: Bool, value: Int?) {
        self.skipSpace()
        var value = 0
        var digits = 0
        let start = self.index
        while self.index < self.bytes.count, digits < 18 {
            let byte = self.bytes[self.index]
            guard byte >= 48 && byte <= 57 else { break }
            value = value * 10 + Int(byte - 48)
            digits += 1
            self.index += 1
        }
        if digits > 0, self.index < self.bytes.count {
            let next = self.bytes[self.index]
            if next == 44 || next == 125 || next == 93 || next == 32 || next == 10 || next == 13 || next == 9 { return (true, value) }
        }
        self.index = start
        return (self.skipValue(), nil)
    }

    /// Skips any value (string, number, literal, object, array).
    mutating func skipValue() -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count else { return false }
        let first = self.bytes[self.index]
        if first == 34 { return self.rawString() != nil }
        if first == 123 || first == 91 {
            var depth = 0
            let count = self.bytes.count
            while self.index < count {
                let byte = self.bytes[self.index]
                switch byte {
                case 34:
                    guard self.rawString() != nil else { return false }
                    continue
                case 123, 91: depth += 1
                case 125, 93:
                    depth -= 1
                    if depth == 0 {
                        self.index += 1
                        return true
                    }
                default: break
                }
                self.index += 1
            }
            return false
        }
        // A number or literal: up to the next delimiter.
        let start = self.index
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == 44 || byte == 125 || byte == 93 || byte == 32 || byte == 10 || byte == 13 || byte == 9 || byte == 58 { break }
            guard byte != 34 && byte != 123 && byte != 91 else { return false }
            self.index += 1
        }
        return self.index > start
    }

    /// Calls `member` with each key's raw bytes, the cursor at its value (which `member` must read or skip). False
    /// when the value here is not an object or the input is broken (or `member` said so).
    mutating func object(_ member: (inout JSONCursor, UnsafePointer<UInt8>, Int) -> Bool) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count, self.bytes[self.index] == 123 else { return false }
        self.index += 1
        self.skipSpace()
        if self.index < self.bytes.count, self.bytes[self.index] == 125 {
            self.index += 1
            return true
        }
        while true {
            self.skipSpace()
            guard let key = self.rawString(), let base = self.bytes.baseAddress else { return false }
            self.skipSpace()
            guard self.index < self.bytes.count, self.bytes[self.index] == 58 else { return false }
            self.index += 1
            guard member(&self, base + key.start, key.end - key.start) else { return false }
            self.skipSpace()
            guard self.index < self.bytes.count else { return false }
            let byte = self.bytes[self.index]
            self.index += 1
            if byte == 125 { return true }
            guard byte == 44 else { return false }
        }
    }

    /// `object(_:)` when the value here is an object; any other value (`null`, a string, an array) is skipped as if the
    /// member were absent. False only when the input is broken.
    mutating func optionalObject(_ member: (inout JSONCursor, UnsafePointer<UInt8>, Int) -> Bool) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count else { return false }
        return self.bytes[self.index] == 123 ? self.object(member) : self.skipValue()
    }

    /// Calls `item` with the cursor at each item of an array. False when the value here is not an array or the input
    /// is broken.
    mutating func array(_ item: (inout JSONCursor) -> Bool) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count, self.bytes[self.index] == 91 else { return false }
        self.index += 1
        self.skipSpace()
        if self.index < self.bytes.count, self.bytes[self.index] == 93 {
            self.index += 1
            return true
        }
        while true {
            guard item(&self) else { return false }
            self.skipSpace()
            guard self.index < self.bytes.count else { return false }
            let byte = self.bytes[self.index]
            self.index += 1
            if byte == 93 { return true }
            guard byte == 44 else { return false }
        }
    }

    /// An array of strings (other items skipped); nil when the value is not an array.
    mutating func strings() -> [String]? {
        var result: [String] = []
        let complete = self.array { cursor in
            let item = cursor.optionalString()
            if let value = item.value { result.append(value) }
            return item.ok
        }
        return complete ? result : nil
    }
}
