import Foundation

extension Collection where Element == UInt8, Index == Int {
    /// Whether JSON text holds a `\u0000` escape (a NUL in a string): `u0000` after an odd run of backslashes.
    var containsNULEscape: Bool {
        // Contiguous bytes (request bodies, encoded documents): jump from backslash to backslash with memchr instead of
        // looking at every byte through the Collection protocol (a tenth of an ingest batch's server time before).
        if let answer = self.withContiguousStorageIfAvailable({ Self.containsNULEscape(in: $0) }) { return answer }
        var index = self.startIndex
        var backslashes = 0
        while index < self.endIndex {
            let byte = self[index]
            if byte == UInt8(ascii: "\\") {
                backslashes += 1
            } else {
                if backslashes % 2 == 1, byte == UInt8(ascii: "u"), index + 4 < self.endIndex,
                    self[(index + 1)...(index + 4)].allSatisfy({ $0 == UInt8(ascii: "0") })
                {
                    return true
                }
                backslashes = 0
            }
            index += 1
        }
        return false
    }

    /// `containsNULEscape` over contiguous bytes.
    static func containsNULEscape(in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        var index = 0
        while index < buffer.count {
            guard let found = memchr(base + index, Int32(UInt8(ascii: "\\")), buffer.count - index) else { return false }
            var next = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            var backslashes = 0
            while next < buffer.count, buffer[next] == UInt8(ascii: "\\") {
                backslashes += 1
                next += 1
            }
            if backslashes % 2 == 1, next + 4 < buffer.count, buffer[next] == UInt8(ascii: "u"), buffer[next + 1] == 48, buffer[next + 2] == 48,
                buffer[next + 3] == 48, buffer[next + 4] == 48
            {
                return true
            }
            index = next
        }
        return false
    }
}
