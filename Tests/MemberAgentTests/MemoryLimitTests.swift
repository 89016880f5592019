import MemberAgent
import Testing

/// `--max-memory-mb`: nonsense is refused, and the limit bounds the findings an agent holds.
@Suite("Memory limit")
struct MemoryLimitTests {
    @Test func nonsenseLimitsAreRefused() {
        for megabytes in [0, -1, -512, 63, 1_048_577, Int.max, Int.min] {
            #expect(MemoryLimit(megabytes: megabytes) == nil, "\(megabytes)")
        }
        #expect(MemoryLimit.refusal(0).contains("from 64 to 1048576"))
    }

    @Test func theDefaultHoldsAQuarterOfItsMemoryInFindings() throws {
        #expect(MemoryLimit.standard.megabytes == 512)
        #expect(MemoryLimit.standard.maxFindings * MemoryLimit.bytesPerFinding == 128 * 1_048_576)
        let small = try #require(MemoryLimit(megabytes: 64))
        #expect(small.maxFindings < MemoryLimit.standard.maxFindings)
    }
}
