import Detection
import Foundation
import Testing

/// Log bytes found by fuzzing (scripts/fuzz.sh) that once crashed or hung a parser: each is read to the outcome a
/// user expects.
@Suite("Log parsers under hostile input")
struct ParserHardeningTests {
    /// `[}` inside a Records array kept the byte-level reader looping on the '}' forever (the agent stalled on the file).
    @Test func cloudTrailArrayWithStrayClosingBraceIsMalformedNotAHang() {
        for text in [#"{"Records":[}]}"#, #"[}"#, #"{"Records":[{"eventName":}]}"#, #"{"Records":[:,]}"#] {
            var parser = CloudTrailParser()
            var events = 0
            parser.parse(Array(text.utf8)) { _ in events += 1 }
            #expect(events == 0, "\(text)")
            #expect(parser.statistics.malformed == 1, "\(text)")
        }
        // The events around a broken one are still read.
        let mixed = #"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser"}"# + "\n[}\n"
        var parser = CloudTrailParser()
        var names: [String] = []
        parser.parse(Array(mixed.utf8)) { names.append($0.eventName) }
        #expect(names == ["CreateUser"])
        #expect(parser.statistics.malformed == 1)
    }
}
