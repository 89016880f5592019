import GuardDutyModel
import Testing

/// Filter criteria built from what an account sends, as the fuzz target `criteria` (scripts/fuzz.sh) checks them.
@Suite("Criteria under hostile input")
struct CriteriaHardeningTests {
    /// A '.' followed by a combining mark is one Character but two scalars: it was copied into the regular
    /// expression unescaped, so `matches: [".́x"]` matched any character before the mark.
    @Test func wildcardSpecialCharacterWithCombiningMarkIsEscaped() {
        #expect(FindingAttribute.wildcardRegex(".\u{301}x") == "^\\.\u{301}x$")
        #expect(FindingAttribute.wildcardRegex("(\u{301}*?") == "^\\(\u{301}.*.$")
        #expect(FindingAttribute.wildcardRegex("i-0*") == "^i-0.*$")
    }
}
