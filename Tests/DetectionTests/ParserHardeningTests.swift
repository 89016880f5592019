import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

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

    /// The input the CloudTrail fuzz target first hung on (10 s timeout): 4 KB of Panther's test events in a Records
    /// array, cut off mid-event. Read now in milliseconds, as the plain reader reads it: not a whole document, so its 44
    /// lines are each malformed.
    @Test func cloudTrailTruncatedRecordsFileFromFuzzingIsReadNotAHang() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/fuzz/cloudtrail-truncated-records-hang.json")
        let bytes = Array(try Data(contentsOf: url))
        var fast = CloudTrailParser(byteLevel: true)
        var plain = CloudTrailParser(byteLevel: false)
        var fastNames: [String] = []
        var plainNames: [String] = []
        fast.parse(bytes) { fastNames.append($0.eventName) }
        plain.parse(bytes) { plainNames.append($0.eventName) }
        #expect(fastNames == plainNames)
        #expect(fast.statistics.malformed == plain.statistics.malformed)
        #expect(fastNames.isEmpty)
        #expect(fast.statistics.malformed == 44)
    }

    /// A port, protocol number or time no flow can have is a malformed line (the word-at-a-time reader and the
    /// tokenizing one agree): ports used to be kept as any 18-digit number and truncated to 16 bits by the rules.
    @Test func flowLineWithHugePortIsMalformedNotACrash() {
        let lines = [
            "2 123456789012 eni-1 203.0.113.12 172.31.16.139 49761 99999999 6 20 4249 1418530010 1418530070 ACCEPT OK",
            "2 123456789012 eni-1 203.0.113.12 172.31.16.139 65536 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
            "2 123456789012 eni-1 203.0.113.12 172.31.16.139 49761 22 256 20 4249 1418530010 1418530070 ACCEPT OK",
            "2 123456789012 eni-1 203.0.113.12 172.31.16.139 49761 22 6 20 4249 1418530010 999999999999999999 ACCEPT OK",
            "2 123456789012 eni-1 203.0.113.12 172.31.16.139 65535 22 255 20 4249 1418530010 253402300799 ACCEPT OK",
        ]
        var parser = FlowLogParser(names: NameTable())
        var records: [FlowRecord] = []
        parser.parse(Array(lines.joined(separator: "\n").utf8)) { records.append($0) }
        #expect(parser.statistics.malformed == 4)
        #expect(
            parser.statistics.examples.map { $0.split(separator: ":").prefix(2).joined(separator: ":") } == [
                "line 1: dstport is out of range", "line 2: srcport is out of range", "line 3: protocol is out of range",
                "line 4: end is out of range",
            ])
        #expect(records.count == 1)
        #expect(records.first.map { ($0.sourcePort, $0.protocolNumber, $0.end) } ?? (0, 0, 0) == (65_535, 255, 253_402_300_799))
    }

    /// Packet and byte counts of 18 digits, summed by the flood and volume rules: the sums saturate instead of
    /// trapping, and the flood is still reported.
    @Test func flowCountsNearInt64MaxSaturateInTheRules() {
        // From 24 connections (a TCP flood comes from many).
        let lines = (0..<24).map {
            "2 123456789012 eni-1 10.0.0.5 93.184.216.34 \(40_000 + $0) 80 6 999999999999999999 999999999999999999 1418530010 1418530070 ACCEPT OK"
        }
        let engine = DetectionEngine(intelligence: Intelligence(), accountId: "123456789012", detectorId: "d")
        var parser = FlowLogParser(names: engine.names)
        Array(lines.joined(separator: "\n").utf8).withUnsafeBufferPointer {
            parser.parse($0, batches: engine.process(batch:))
        }
        #expect(parser.statistics.records == 24)
        let flood = engine.findings().first { $0.type == "Backdoor:EC2/DenialOfService.Tcp" }
        // Each record's count is kept to 32 bits in the window buffer; their sum still makes a flood.
        #expect(flood?.description.contains("TCP packets to 93.184.216.34") == true)
    }
}
