/// The Public Suffix List (`intel/public_suffix_list.dat`, compiled in by `scripts/embed-public-suffixes.sh`): names
/// under which anyone can register (`co.uk`, `github.io`, `ams1.vultrobjects.com`). A feed entry that is itself one
/// would mark every site under it, so feeds leave such entries out. Rules: `a.b` is a suffix, `*.b` makes every
/// `x.b` one, `!x.b` excepts `x.b` from a wildcard.
public struct PublicSuffixes: Sendable {
    let exact: Set<String>
    let wildcards: Set<String>
    let exceptions: Set<String>

    /// The rules of the list text (comments and blank lines skipped; only the first word of a line counts).
    public init(rules text: String) {
        var exact: Set<String> = []
        var wildcards: Set<String> = []
        var exceptions: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            guard let rule = line.split(whereSeparator: \.isWhitespace).first, !rule.hasPrefix("//") else { continue }
            let lowered = rule.lowercased()
            if lowered.hasPrefix("!") {
                exceptions.insert(String(lowered.dropFirst()))
            } else if lowered.hasPrefix("*.") {
                wildcards.insert(String(lowered.dropFirst(2)))
            } else {
                exact.insert(lowered)
            }
        }
        (self.exact, self.wildcards, self.exceptions) = (exact, wildcards, exceptions)
    }

    /// The list compiled into Guardpost.
    public static let embedded = PublicSuffixes(rules: PublicSuffixes.embeddedRules)

    /// Whether a normalised name (lowercase, no trailing dot) is itself a public suffix.
    public func contains(_ name: String) -> Bool {
        guard !self.exceptions.contains(name) else { return false }
        if self.exact.contains(name) { return true }
        guard let dot = name.firstIndex(of: ".") else { return false }
        return self.wildcards.contains(String(name[name.index(after: dot)...]))
    }
}
