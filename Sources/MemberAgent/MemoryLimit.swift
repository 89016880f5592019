/// `--max-memory-mb`: the memory `run` and `scan` may use, and what it allows of the findings held — the one cost
/// that grows with what the logs contain (a flood of distinct findings) rather than with the lists and windows.
public struct MemoryLimit: Sendable, Equatable {
    /// The limits accepted: below 64 MB the lists and windows alone do not fit; above 1 TiB it is a typo.
    public static let megabytesAccepted = 64...1_048_576
    /// What one held finding costs at most, all copies counted: the engine's entry, the agent's ledger and checkpoint
    /// copy, and the finding built and encoded when it is emitted (measured: see scripts/bench-scan.sh PARTS=flood).
    public static let bytesPerFinding = 8_192

    public let megabytes: Int

    /// Nil for a limit outside `megabytesAccepted`.
    public init?(megabytes: Int) {
        guard Self.megabytesAccepted.contains(megabytes) else { return nil }
        self.megabytes = megabytes
    }

    public static let standard = MemoryLimit(megabytes: 512)!

    /// Findings held at most: a quarter of the limit at `bytesPerFinding` each (the rest is for the lists, the open
    /// windows, the parsers' buffers and the runtime). Past it, new findings are counted in summaries.
    public var maxFindings: Int { self.megabytes * 1_048_576 / 4 / Self.bytesPerFinding }

    /// The message for a refused `--max-memory-mb` value.
    public static func refusal(_ value: Int) -> String {
        "--max-memory-mb must be from \(Self.megabytesAccepted.lowerBound) to \(Self.megabytesAccepted.upperBound) (megabytes), not \(value)"
    }
}
