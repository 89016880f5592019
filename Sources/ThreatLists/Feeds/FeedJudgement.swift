/// Whether a newly fetched feed version replaces the one in force. A feed that fails to parse, holds nothing usable,
/// is mostly not entries, or shrinks by more than half at once keeps its previous version, and the reason says why
/// in the parser's own words (never text of the file).
public enum FeedJudgement: Equatable, Sendable {
    case accept
    case keepPrevious(String)

    /// The judgement of `parsed` against the version in force (`previousCount` entries; nil: none yet).
    /// `allowShrink` accepts a shrink the operator asked for (`intel refresh --accept-shrink`, `intel import`).
    public static func judge(_ parsed: ParsedList, previousCount: Int?, allowShrink: Bool = false) -> FeedJudgement {
        if let failure = parsed.failure { return .keepPrevious("the new version did not parse: \(failure)") }
        guard parsed.entryCount > 0 else {
            return .keepPrevious(
                "the new version has no usable entry" + (parsed.malformedCount > 0 ? " (\(parsed.malformedCount) malformed lines)" : ""))
        }
        if parsed.malformedCount > parsed.entryCount {
            let example = parsed.malformedExamples.first.map { "; line \($0.line) \($0.reason)" } ?? ""
            return .keepPrevious(
                "the new version is mostly not addresses or domains (\(parsed.malformedCount) malformed lines, \(parsed.entryCount) entries\(example))"
            )
        }
        if !allowShrink, let previousCount, previousCount > 0, parsed.entryCount * 2 < previousCount {
            return .keepPrevious(
                "the new version has \(parsed.entryCount) entries, less than half of the \(previousCount) in force; a shrink that large at once "
                    + "is kept out (accept it with `guardpost-admin intel refresh --name NAME --accept-shrink`)")
        }
        return .accept
    }
}
