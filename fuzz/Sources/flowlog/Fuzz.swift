import Detection
import FuzzSupport
import ThreatLists

/// What a default-format line means read the plain way (split on spaces, each field checked on its own): the
/// definition FastPathTests holds the word-at-a-time reader to.
enum Expected: Equatable {
    case record(
        source: IPAddress, destination: IPAddress, sourcePort: Int, destinationPort: Int, protocolNumber: Int, packets: Int, bytes: Int,
        start: Int64, end: Int64, accepted: Bool)
    case skipped
    case malformed

    init(_ line: ArraySlice<UInt8>) {
        let fields = line.split(separator: 32)
        guard fields.count == 14 else {
            self = .malformed
            return
        }
        func number(_ text: ArraySlice<UInt8>) -> Int64?? {
            if text.elementsEqual([45]) { return .some(nil) }
            guard text.count <= 18, text.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return .some(text.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) })
        }
        func address(_ text: ArraySlice<UInt8>) -> IPAddress?? {
            if text.elementsEqual([45]) { return .some(nil) }
            guard let address = IPAddress.parse(text) else { return nil }
            return .some(address)
        }
        guard let source = address(fields[3]), let destination = address(fields[4]) else {
            self = .malformed
            return
        }
        var numbers: [Int64] = []
        for index in 5...11 {
            guard let value = number(fields[index]) else {
                self = .malformed
                return
            }
            let limit: Int64 = index <= 6 ? 65_535 : index == 7 ? 255 : index >= 10 ? 253_402_300_799 : .max
            guard (value ?? 0) <= limit else {
                self = .malformed
                return
            }
            numbers.append(value ?? 0)
        }
        if fields[13].first == UInt8(ascii: "N") || fields[13].first == UInt8(ascii: "S") {
            self = .skipped
            return
        }
        guard let source, let destination else {
            self = .skipped
            return
        }
        self = .record(
            source: source, destination: destination, sourcePort: Int(numbers[0]), destinationPort: Int(numbers[1]),
            protocolNumber: Int(numbers[2]), packets: Int(numbers[3]), bytes: Int(numbers[4]), start: numbers[5], end: numbers[6],
            accepted: fields[12].first == UInt8(ascii: "A"))
    }
}

/// VPC Flow Logs bytes: default-format lines, or a header naming custom fields followed by lines. The whole input is
/// read at once and again in pieces that end at line ends (as `LogInput.forEachChunk` hands them over): both must
/// agree, and the rules take what it reads. Input of printable default-format lines is also held to the plain reading (FastPathTests' property).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    var whole = FlowLogParser(names: NameTable())
    var records: [FlowRecord] = []
    whole.parse(bytes) { records.append($0) }

    // The same bytes in pieces of whole lines.
    var pieces = FlowLogParser(names: NameTable())
    var pieceRecords: [FlowRecord] = []
    var start = 0
    var index = 0
    while index < bytes.count {
        if bytes[index] == 10 && (index - start) % 3 == 0 {
            pieces.parse(Array(bytes[start...index])) { pieceRecords.append($0) }
            start = index + 1
        }
        index += 1
    }
    if start < bytes.count { pieces.parse(Array(bytes[start...])) { pieceRecords.append($0) } }
    fuzzCheck(pieceRecords.count == records.count, "pieces gave \(pieceRecords.count) records, the whole input \(records.count)")
    fuzzCheck(
        pieces.statistics.malformed == whole.statistics.malformed && pieces.statistics.skipped == whole.statistics.skipped,
        "pieces and the whole input count malformed or skipped lines differently")
    fuzzCheck(whole.statistics.records == records.count, "records counted \(whole.statistics.records), delivered \(records.count)")

    // The records through the flow rules (windows, floods, baselines, volumes): numbers from the log must not trap there.
    let engine = DetectionEngine(intelligence: Intelligence(), accountId: "123456789012", detectorId: "fuzz")
    var engineParser = FlowLogParser(names: engine.names)
    bytes.withUnsafeBufferPointer { engineParser.parse($0, batches: engine.process(batch:)) }
    _ = engine.findings()

    // The plain reading, for printable lines of the default format (no header: no line's first word starts with a
    // letter, as the reader takes a header after leading spaces too).
    let plain = bytes.allSatisfy { ($0 >= 32 && $0 < 127) || $0 == 10 }
    let lines = bytes.split(separator: 10, omittingEmptySubsequences: true)
    let header = lines.contains { line in
        let first = line.first { $0 != 32 } ?? 0
        return first >= 97 && first <= 122
    }
    guard plain, !header else { return 0 }
    var expected: [Expected] = []
    for line in lines { expected.append(Expected(line)) }
    let expectedRecords = expected.filter { if case .record = $0 { true } else { false } }
    let got = records.map { record in
        Expected.record(
            source: record.source!, destination: record.destination!, sourcePort: record.sourcePort, destinationPort: record.destinationPort,
            protocolNumber: record.protocolNumber, packets: record.packets, bytes: record.bytes, start: record.start, end: record.end,
            accepted: record.accepted)
    }
    fuzzCheck(got == expectedRecords, "the reader and the plain reading disagree:\n\(got)\n\(expectedRecords)")
    fuzzCheck(whole.statistics.skipped == expected.filter { $0 == .skipped }.count, "skipped lines differ from the plain reading")
    fuzzCheck(whole.statistics.malformed == expected.filter { $0 == .malformed }.count, "malformed lines differ from the plain reading")
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
