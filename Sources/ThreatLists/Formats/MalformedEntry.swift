import GuardDutyModel

/// A malformed entry: where it is and why it was skipped. It carries no bytes of the file (the reason is one of the
/// parser's own sentences), so it may go anywhere a list's status goes: errorDetails, logs, members' views.
public struct MalformedEntry: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line (0 in STIX 2.x JSON, which has no lines worth naming).
    public var line: Int
    public var reason: String
    public var description: String { "line \(self.line): \(self.reason)" }

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}
