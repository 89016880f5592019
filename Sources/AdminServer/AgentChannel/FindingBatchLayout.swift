import Foundation
import GuardDutyModel

/// Where each finding of an agent's batch (`{"detectorId": …, "findings": [ … ]}`) lies in the request body, so that
/// the bytes the agent sent are stored as the finding's document instead of being decoded into a `Finding` and
/// encoded again (re-encoding 500 findings was a quarter of the server's ingest work).
///
/// The body must already have been decoded by `JSONDecoder` (it is well-formed JSON); this only walks it. Because the
/// decoded `Finding` is what is validated and the bytes are what is stored, both must say the same thing: an object
/// that names a key twice (`JSONDecoder` keeps the first value, PostgreSQL's jsonb the last) or a key written with
/// escapes (two spellings of one name) is refused, and nothing in the batch is stored.
struct FindingBatchLayout {
    /// The byte ranges of the elements of the top-level `findings` array, in order.
    private(set) var findings: [Range<Int>] = []

    init(_ body: [UInt8]) throws {
        var walker = Walker()
        try body.withUnsafeBufferPointer { buffer in
            walker.position = walker.skipSpace(buffer, 0)
            try walker.value(buffer, depth: 0, onFindings: true)
        }
        self.findings = walker.findings
    }

    /// A recursive walk of well-formed JSON that checks every object's keys and notes the `findings` elements.
    private struct Walker {
        var position = 0
        var findings: [Range<Int>] = []
        /// The keys of the objects being walked, innermost last (one array for every level, so no allocation per object).
        var keys: [Range<Int>] = []

        static func refuse(_ why: String) -> GuardDutyError {
            .badRequest("The request is rejected because the findings batch \(why). Nothing in the batch was stored.")
        }

        func skipSpace(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
            var index = start
            while index < buffer.count, buffer[index] == 0x20 || buffer[index] == 0x0A || buffer[index] == 0x0D || buffer[index] == 0x09 {
                index += 1
            }
            return index
        }

        /// The value at `position`; leaves `position` after it. `onFindings`: this is the top-level object.
        mutating func value(_ buffer: UnsafeBufferPointer<UInt8>, depth: Int, onFindings: Bool = false) throws {
            guard self.position < buffer.count else { throw Self.refuse("ends early") }
            switch buffer[self.position] {
            case UInt8(ascii: "{"): try self.object(buffer, depth: depth, topLevel: onFindings)
            case UInt8(ascii: "["): try self.array(buffer, depth: depth, recordElements: false)
            case UInt8(ascii: "\""): _ = try self.string(buffer)
            default:
                // Numbers, true, false, null: up to the next delimiter.
                while self.position < buffer.count {
                    let byte = buffer[self.position]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 0x20 || byte == 0x0A
                        || byte == 0x0D || byte == 0x09
                    {
                        break
                    }
                    self.position += 1
                }
            }
        }

        /// A string at `position` (its opening quote); answers whether it held an escape.
        mutating func string(_ buffer: UnsafeBufferPointer<UInt8>) throws -> Bool {
            var index = self.position + 1
            var escaped = false
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") {
                    self.position = index + 1
                    return escaped
                }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index += 2
                } else {
                    index += 1
                }
            }
            throw Self.refuse("ends inside a string")
        }

        mutating func object(_ buffer: UnsafeBufferPointer<UInt8>, depth: Int, topLevel: Bool) throws {
            guard depth < 64 else { throw Self.refuse("nests objects deeper than 64 levels") }
            let firstKey = self.keys.count
            defer { self.keys.removeSubrange(firstKey...) }
            self.position = self.skipSpace(buffer, self.position + 1)
            if self.position < buffer.count, buffer[self.position] == UInt8(ascii: "}") {
                self.position += 1
                return
            }
            while true {
                let keyStart = self.position + 1
                guard self.position < buffer.count, buffer[self.position] == UInt8(ascii: "\"") else { throw Self.refuse("is not JSON") }
                guard try !self.string(buffer) else { throw Self.refuse("writes an object key with escapes") }
                let key = keyStart..<(self.position - 1)
                // Pairwise while the object is small (every finding's are); a large one is sorted once at its end, so
                // that an object of many keys costs n log n, not n².
                if self.keys.count - firstKey < Self.pairwiseKeys {
                    for earlier in self.keys[firstKey...] where Self.same(buffer, earlier, key) {
                        throw Self.repeated(buffer, key)
                    }
                }
                self.keys.append(key)
                self.position = self.skipSpace(buffer, self.position)
                guard self.position < buffer.count, buffer[self.position] == UInt8(ascii: ":") else { throw Self.refuse("is not JSON") }
                self.position = self.skipSpace(buffer, self.position + 1)
                if topLevel, key.count == 8, buffer[key].elementsEqual("findings".utf8), self.position < buffer.count,
                    buffer[self.position] == UInt8(ascii: "[")
                {
                    try self.array(buffer, depth: depth + 1, recordElements: true)
                } else {
                    try self.value(buffer, depth: depth + 1)
                }
                self.position = self.skipSpace(buffer, self.position)
                guard self.position < buffer.count else { throw Self.refuse("ends early") }
                if buffer[self.position] == UInt8(ascii: ",") {
                    self.position = self.skipSpace(buffer, self.position + 1)
                    continue
                }
                guard buffer[self.position] == UInt8(ascii: "}") else { throw Self.refuse("is not JSON") }
                self.position += 1
                if self.keys.count - firstKey > Self.pairwiseKeys {
                    let sorted = self.keys[firstKey...].sorted { Self.less(buffer, $0, $1) }
                    for index in sorted.indices.dropFirst() where Self.same(buffer, sorted[index - 1], sorted[index]) {
                        throw Self.repeated(buffer, sorted[index])
                    }
                }
                return
            }
        }

        /// Keys an object may have before its keys are checked by sorting instead of pairwise.
        static let pairwiseKeys = 32

        static func same(_ buffer: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
            a.count == b.count && memcmp(buffer.baseAddress! + a.lowerBound, buffer.baseAddress! + b.lowerBound, a.count) == 0
        }

        static func less(_ buffer: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
            if a.count != b.count { return a.count < b.count }
            return memcmp(buffer.baseAddress! + a.lowerBound, buffer.baseAddress! + b.lowerBound, a.count) < 0
        }

        static func repeated(_ buffer: UnsafeBufferPointer<UInt8>, _ key: Range<Int>) -> GuardDutyError {
            Self.refuse("names key '\(String(decoding: buffer[key].prefix(40), as: UTF8.self))' twice in one object")
        }

        mutating func array(_ buffer: UnsafeBufferPointer<UInt8>, depth: Int, recordElements: Bool) throws {
            guard depth < 64 else { throw Self.refuse("nests arrays deeper than 64 levels") }
            self.position = self.skipSpace(buffer, self.position + 1)
            if self.position < buffer.count, buffer[self.position] == UInt8(ascii: "]") {
                self.position += 1
                return
            }
            while true {
                let start = self.position
                try self.value(buffer, depth: depth + 1)
                if recordElements { self.findings.append(start..<self.position) }
                self.position = self.skipSpace(buffer, self.position)
                guard self.position < buffer.count else { throw Self.refuse("ends early") }
                if buffer[self.position] == UInt8(ascii: ",") {
                    self.position = self.skipSpace(buffer, self.position + 1)
                    continue
                }
                guard buffer[self.position] == UInt8(ascii: "]") else { throw Self.refuse("is not JSON") }
                self.position += 1
                return
            }
        }
    }
}
