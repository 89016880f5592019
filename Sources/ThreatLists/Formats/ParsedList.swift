import GuardDutyModel

/// The formats GuardDuty accepts for trusted IP lists, threat lists and entity lists (the API's enum).
public typealias ListFormat = ListFileFormat

/// A parsed list: normalised networks (host bits cleared, duplicates and networks inside others removed),
/// normalised domains (lowercase, no trailing dot), and the entries that were skipped.
public struct ParsedList: Sendable {
    public var networks: [IPNetwork]
    public var domains: [String]
    /// Entries that could not be read, counted; the first few are kept with their line numbers.
    public var malformedCount: Int
    public var malformedExamples: [MalformedEntry]
    /// Entries of kinds the list cannot use (file hashes, URLs, emails in a vendor feed): counted, not errors.
    public var ignoredCount: Int
    /// Networks written with host bits set (normalised to their network).
    public var hostBitsCleared: Int
    /// Why the parse stopped before the end of the file (its time budget ran out): the list then has no entries and
    /// must not be used. Free of file content, like the malformed entries.
    public var failure: String?

    public var entryCount: Int { self.networks.count + self.domains.count }

    /// One entry per line, sorted: the normalised content that is stored, hashed and served to agents.
    public var canonicalText: String {
        (self.networks.map(\.description) + self.domains).joined(separator: "\n") + (self.entryCount > 0 ? "\n" : "")
    }
}

extension StringProtocol {
    func trimmingListWhitespace() -> Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" || first == "\"" || first == "\u{FEFF}" {
            text = text.dropFirst()
        }
        while let last = text.last, last == " " || last == "\t" || last == "\r" || last == "\"" { text = text.dropLast() }
        return text
    }
}
