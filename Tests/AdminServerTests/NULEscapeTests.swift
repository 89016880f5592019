import Foundation
import Testing

@testable import AdminServer

/// A body holding a NUL escape is refused before any operation reads it (PostgreSQL's text cannot hold one), and only
/// a real escape counts (no database).
@Suite("NUL escapes")
struct NULEscapeTests {
    @Test func aNULEscapeIsFoundOnlyAfterAnOddRunOfBackslashes() {
        #expect(Array(#"{"a":"x\u0000"}"#.utf8).containsNULEscape)
        #expect(Array(#"{"a":"x\\\u0000"}"#.utf8).containsNULEscape)
        #expect(!Array(#"{"a":"x\\u0000"}"#.utf8).containsNULEscape)
        #expect(!Array(#"{"a":"\u0001"}"#.utf8).containsNULEscape)
        #expect(Data(#"\u0000"#.utf8).containsNULEscape)
    }
}
