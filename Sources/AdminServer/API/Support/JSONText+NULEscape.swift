extension Collection where Element == UInt8, Index == Int {
    /// Whether JSON text holds a `\u0000` escape (a NUL in a string): `u0000` after an odd run of backslashes.
    var containsNULEscape: Bool {
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
}
