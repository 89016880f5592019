import Foundation
import GuardDutyModel
import Testing

@testable import AdminServer

/// How an agent's batch body is split into the findings' own bytes, and which bodies are refused because the bytes
/// stored could say something other than the finding validated (no database).
@Suite("Finding batch layout")
struct FindingBatchLayoutTests {
    func elements(_ json: String) throws -> [String] {
        let bytes = Array(json.utf8)
        return try FindingBatchLayout(bytes).findings.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    func refusal(_ json: String) -> String? {
        do {
            _ = try FindingBatchLayout(Array(json.utf8))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func eachFindingsBytesAreFoundWhateverTheStringsAndNestingHold() throws {
        let json = #" { "detectorId" : "d", "other": {"findings": [9]}, "findings" : [ {"a":"x\"}]{,","b":[1,{"c":null}]} , {"a":"\\"} ,{} ] } "#
        #expect(try self.elements(json) == [#"{"a":"x\"}]{,","b":[1,{"c":null}]}"#, #"{"a":"\\"}"#, "{}"])
        #expect(try self.elements(#"{"findings":[]}"#).isEmpty)
        #expect(try self.elements(#"{"detectorId":"d"}"#).isEmpty)
    }

    @Test func theSameFindingsDecodeFromTheirBytesAsFromTheBody() throws {
        let findings = (0..<3).map { makeFinding(account: "111122223333", detectorId: "d", id: "f\($0)", count: $0 + 1) }
        let body = Array(try JSONEncoder().encode(AgentFindingBatch(detectorId: "d", findings: findings)))
        let layout = try FindingBatchLayout(body)
        #expect(try layout.findings.map { try JSONDecoder().decode(Finding.self, from: Data(body[$0])) } == findings)
    }

    @Test func aKeyNamedTwiceInAnyObjectOrWrittenWithEscapesIsRefused() {
        #expect(self.refusal(#"{"findings":[{"type":"A","type":"B"}]}"#)?.contains("names key 'type' twice") == true)
        #expect(self.refusal(#"{"findings":[{"service":{"count":1,"x":[{"k":1,"k":2}]}}]}"#)?.contains("twice") == true)
        #expect(self.refusal(#"{"findings":[],"findings":[]}"#)?.contains("twice") == true)
        #expect(self.refusal(#"{"findings":[{"typ\u0065":"A"}]}"#)?.contains("escapes") == true)
        // A large object is checked too (sorted once, not pairwise).
        let many = (0..<5000).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        #expect(self.refusal(#"{"findings":[{"# + many + #","k4999":0}]}"#)?.contains("names key 'k4999' twice") == true)
        #expect(self.refusal(#"{"findings":[{"# + many + #"}]}"#) == nil)
        // The same key in sibling or nested objects is not a repeat.
        #expect(self.refusal(#"{"findings":[{"id":"a","s":{"id":"b"}},{"id":"c"}]}"#) == nil)
    }

    @Test func aNULEscapeIsFoundOnlyAfterAnOddRunOfBackslashes() {
        #expect(Array(#"{"a":"x\u0000"}"#.utf8).containsNULEscape)
        #expect(Array(#"{"a":"x\\\u0000"}"#.utf8).containsNULEscape)
        #expect(!Array(#"{"a":"x\\u0000"}"#.utf8).containsNULEscape)
        #expect(!Array(#"{"a":"\u0001"}"#.utf8).containsNULEscape)
        #expect(Data(#"\u0000"#.utf8).containsNULEscape)
    }
}
