/// An LSD radix sort of 64-bit keys, a byte per pass; passes whose byte is the same in every key are skipped.
/// For the packed interval ends of large lists it is several times faster than a comparison sort.
enum RadixSort {
    static func sort(_ keys: inout [UInt64]) {
        let count = keys.count
        guard count >= 512 else {
            keys.sort()
            return
        }
        var counts = [Int](repeating: 0, count: 8 * 256)
        counts.withUnsafeMutableBufferPointer { counts in
            keys.withUnsafeBufferPointer { keys in
                for key in keys {
                    var value = key
                    for digit in 0..<8 {
                        counts[digit << 8 | Int(value & 0xFF)] += 1
                        value >>= 8
                    }
                }
            }
        }
        var scratch = [UInt64](repeating: 0, count: count)
        for digit in 0..<8 {
            let shift = UInt64(digit * 8)
            let base = digit << 8
            if counts[base | Int((keys[0] >> shift) & 0xFF)] == count { continue }
            var offsets = [Int](repeating: 0, count: 256)
            var total = 0
            for bucket in 0..<256 {
                offsets[bucket] = total
                total += counts[base | bucket]
            }
            offsets.withUnsafeMutableBufferPointer { offsets in
                keys.withUnsafeBufferPointer { source in
                    scratch.withUnsafeMutableBufferPointer { target in
                        for key in source {
                            let bucket = Int((key >> shift) & 0xFF)
                            target[offsets[bucket]] = key
                            offsets[bucket] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
    }
}
