/// SplitMix64 (Steele, Lea and Flood): a small deterministic generator, so a corpus is the same for a seed on every
/// machine and every run (`Hasher` and `SystemRandomNumberGenerator` are seeded per process).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// A uniform integer in `range`.
    public mutating func int(_ range: Range<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// True with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ values: [T]) -> T {
        values[Int.random(in: 0..<values.count, using: &self)]
    }

    /// How many events of a Poisson-like process with mean `mean` fall in one step (whole part, plus one more with
    /// the fractional part's probability): cheap and deterministic.
    public mutating func count(mean: Double) -> Int {
        let whole = Int(mean)
        return whole + (self.chance(mean - Double(whole)) ? 1 : 0)
    }

    /// `count` lower-case hexadecimal digits.
    public mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[Int(self.next() & 15)] })
    }

    /// `count` characters of `alphabet`.
    public mutating func string(_ count: Int, from alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters[Int(self.next() % UInt64(characters.count))] })
    }

    /// An ephemeral client port (Linux's default range).
    public mutating func ephemeralPort() -> Int {
        self.int(32768...60999)
    }
}
