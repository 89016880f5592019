import ArgumentParser
import Foundation
import ThreatLists

/// xorshift64*: fast, deterministic random numbers for lookups.
struct Xorshift {
    var state: UInt64
    init(seed: UInt64) { self.state = seed | 1 }
    @inline(__always)
    mutating func next() -> UInt64 {
        self.state ^= self.state >> 12
        self.state ^= self.state << 25
        self.state ^= self.state >> 27
        return self.state &* 0x2545_F491_4F6C_DD1D
    }
    @inline(__always)
    mutating func next32() -> UInt32 { UInt32(truncatingIfNeeded: self.next() >> 32) }
}
