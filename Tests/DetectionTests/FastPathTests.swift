import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// Every field the rules read of each event, as one line (to compare two readers).
func cloudTrailSummary(_ bytes: [UInt8], byteLevel: Bool) -> [String] {
    var parser = CloudTrailParser(byteLevel: byteLevel)
    var out: [String] = []
    parser.parse(bytes) { event in
        out.append(
            [
                String(event.eventTime), event.eventSource, event.eventName, event.eventType ?? "-", event.awsRegion ?? "-",
                event.sourceIPAddress ?? "-", event.userAgent ?? "-", event.errorCode ?? "-", event.identityType ?? "-", event.identityArn ?? "-",
                event.principalId ?? "-", event.accessKeyId ?? "-", event.userName ?? "-", event.invokedBy ?? "-", event.consoleLoginResult ?? "-",
                event.recipientAccountId ?? "-", event.bucketName ?? "-", event.eventCategory ?? "-",
                event.readOnly.map { "\($0)" } ?? "-",
            ].joined(separator: "|"))
    }
    return out
}

/// The word-at-a-time readers and the batched, fingerprinted rules give exactly what the plain ways give.
@Suite("Fast paths")
struct FastPathTests {
    /// What a flow line means, read the plain way: split on spaces, every field checked on its own.
    enum Expected: Equatable {
        case record(
            source: IPAddress, destination: IPAddress, sourcePort: Int, destinationPort: Int, protocolNumber: Int, packets: Int, bytes: Int,
            start: Int64, end: Int64, accepted: Bool)
        case skipped
        case malformed
    }

    static func expected(_ line: String) -> Expected {
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count == 14 else { return .malformed }
        func number(_ text: String) -> Int64?? {
            if text == "-" { return .some(nil) }
            guard text.count <= 18, text.allSatisfy(\.isASCII), let value = Int64(text), !text.hasPrefix("+"), !text.hasPrefix("-") else {
                return nil
            }
            return .some(value)
        }
        func address(_ text: String) -> IPAddress?? {
            if text == "-" { return .some(nil) }
            guard let address = IPAddress.parse(Array(text.utf8)) else { return nil }
            return .some(address)
        }
        guard let source = address(fields[3]), let destination = address(fields[4]) else { return .malformed }
        var numbers: [Int64] = []
        for index in 5...11 {
            guard let value = number(fields[index]) else { return .malformed }
            // Ports up to 65535, protocol numbers up to 255, times up to the year 9999.
            let limit: Int64 = index <= 6 ? 65_535 : index == 7 ? 255 : index >= 10 ? 253_402_300_799 : .max
            guard (value ?? 0) <= limit else { return .malformed }
            numbers.append(value ?? 0)
        }
        // NODATA and SKIPDATA once the fields before them have been read, then records without both addresses.
        if fields[13].hasPrefix("N") || fields[13].hasPrefix("S") { return .skipped }
        guard let source, let destination else { return .skipped }
        return .record(
            source: source, destination: destination, sourcePort: Int(numbers[0]), destinationPort: Int(numbers[1]),
            protocolNumber: Int(numbers[2]), packets: Int(numbers[3]), bytes: Int(numbers[4]), start: numbers[5], end: numbers[6],
            accepted: fields[12].hasPrefix("A"))
    }

    /// Lines of every shape the reader meets: ordinary ones, and numbers, addresses and field counts that are off.
    static func randomLines(_ count: Int, seed: UInt64) -> [String] {
        var random = SplitMixGenerator(seed: seed)
        func pick<T>(_ options: [T]) -> T { options[Int(random.next() % UInt64(options.count))] }
        func octet() -> String {
            pick(["\(random.next() % 256)", "\(random.next() % 10)", "0", "255", "256", "999", "01", "007", "1000", "a1"])
        }
        func address() -> String {
            switch random.next() % 10 {
            case 0: return pick(["-", "2001:db8::1", "fd00::5", "::ffff:1.2.3.4", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "10.0.0.256"])
            case 1: return "\(octet()).\(octet()).\(octet()).\(octet())"
            default: return "\(random.next() % 224).\(random.next() % 256).\(random.next() % 256).\(random.next() % 256)"
            }
        }
        func number() -> String {
            switch random.next() % 12 {
            case 0:
                return pick([
                    "-", "", "0", "00012", "123456789012345678", "1234567890123456789", "12a", "+5", "-5", "9" + String(repeating: "9", count: 17),
                ])
            case 1: return "\(random.next() % 100_000_000_000)"
            default: return "\(random.next() % 70_000)"
            }
        }
        return (0..<count).map { _ in
            // Ports and protocol numbers are mostly real ones, sometimes any number (out of range there: malformed).
            let ports = (0..<2).map { _ in random.next() % 4 == 0 ? number() : "\(random.next() % 65_536)" }
            let protocolNumber = random.next() % 4 == 0 ? number() : pick(["6", "17", "1", "255", "256"])
            var fields = [
                "2", "123456789012", "eni-\(random.next() % 3000)", address(), address(), ports[0], ports[1], protocolNumber, number(), number(),
                "\(1_700_000_000 + random.next() % 100_000)", number(), pick(["ACCEPT", "REJECT", "-"]), pick(["OK", "OK", "NODATA", "SKIPDATA"]),
            ]
            switch random.next() % 25 {
            case 0: fields.removeLast()
            case 1: fields.append("extra")
            default: break
            }
            let separator = random.next() % 15 == 0 ? "  " : " "
            return fields.joined(separator: separator)
        }
    }

    func read(_ lines: [String], chunked: Bool) -> (records: [Expected], statistics: ParseStatistics) {
        var parser = FlowLogParser(names: NameTable())
        var records: [Expected] = []
        func take(_ record: FlowRecord) {
            records.append(
                .record(
                    source: record.source!, destination: record.destination!, sourcePort: record.sourcePort,
                    destinationPort: record.destinationPort, protocolNumber: record.protocolNumber, packets: record.packets,
                    bytes: record.bytes, start: record.start, end: record.end, accepted: record.accepted))
        }
        if chunked {
            // Each line alone, so that every field sits near the end of its buffer (the paths that may not read ahead).
            for line in lines { Array(line.utf8).withUnsafeBufferPointer { parser.parse($0, batches: { $0.forEach(take) }) } }
        } else {
            Array(lines.joined(separator: "\n").utf8).withUnsafeBufferPointer { parser.parse($0, batchSize: 7, batches: { $0.forEach(take) }) }
        }
        return (records, parser.statistics)
    }

    @Test(arguments: [false, true])
    func theWordAtATimeFlowReaderAgreesWithAPlainSplit(eachLineAlone: Bool) {
        let lines = Self.randomLines(4_000, seed: eachLineAlone ? 5 : 6)
        let expected = lines.map(Self.expected)
        let (records, statistics) = self.read(lines, chunked: eachLineAlone)
        #expect(records == expected.filter { if case .record = $0 { true } else { false } })
        #expect(statistics.records == records.count)
        #expect(statistics.skipped == expected.filter { $0 == .skipped }.count)
        #expect(statistics.malformed == expected.filter { $0 == .malformed }.count)
        // The generator does make every kind.
        #expect(records.count > 500)
        #expect(statistics.skipped > 100)
        #expect(statistics.malformed > 500)
    }

    /// One window of thousands of connections (so the window rules take the radix path) with a port scan, a port
    /// sweep, an SSH brute force and an inbound probe hidden in it: each is found, with its exact size, and the noise
    /// finds nothing — fed one record at a time and in batches alike.
    @Test(arguments: [false, true])
    func windowRulesFindTheirGroupsAmongThousandsOfConnections(batched: Bool) {
        var random = SplitMixGenerator(seed: 21)
        var lines: [String] = []
        let start = 1_700_000_400
        for index in 0..<6_000 {
            let remote = "\(20 + random.next() % 180).\(random.next() % 256).\(random.next() % 256).\(1 + random.next() % 254)"
            let local = "10.0.\(random.next() % 4).\(1 + random.next() % 200)"
            let eni = "eni-\(random.next() % 300)"
            if index % 2 == 0 {
                lines.append(
                    flowLine(
                        local, remote, 30_000 + Int(random.next() % 30_000), pick(&random, [443, 80, 22, 53]), start: start + index % 500, eni: eni))
            } else {
                lines.append(
                    flowLine(
                        remote, local, 30_000 + Int(random.next() % 30_000), pick(&random, [443, 22, 3389]), start: start + index % 500,
                        eni: eni))
            }
        }
        lines += (0..<60).map { flowLine("10.9.0.5", "45.9.20.1", 33_000, 1_000 + $0, start: start + 10 + $0, eni: "eni-scan") }
        lines += (0..<55).map { flowLine("10.9.0.6", "45.9.21.\($0 + 1)", 33_000, 8080, start: start + 20 + $0, eni: "eni-sweep") }
        lines += (0..<24).map { flowLine("45.9.22.7", "10.9.0.7", 40_000 + $0, 22, start: start + 30 + $0, eni: "eni-ssh") }
        lines += (0..<12).map {
            flowLine(
                "45.9.23.8", "10.9.0.8", 40_000, 5_000 + $0, start: start + 40 + $0, action: $0 == 3 ? "ACCEPT" : "REJECT",
                eni: "eni-probe")
        }
        lines.shuffle(using: &random)
        let engine = DetectionEngine(intelligence: Intelligence(), accountId: "123456789012", detectorId: "d")
        var parser = FlowLogParser(names: engine.names)
        let bytes = Array(lines.joined(separator: "\n").utf8)
        if batched {
            bytes.withUnsafeBufferPointer { parser.parse($0, batches: engine.process(batch:)) }
        } else {
            parser.parse(bytes) { engine.process($0) }
        }
        let findings = engine.findings()
        let byType = Dictionary(grouping: findings, by: \.type)
        #expect(
            byType.keys.sorted() == [
                "Impact:EC2/PortSweep", "Recon:EC2/PortProbeUnprotectedPort", "Recon:EC2/Portscan", "UnauthorizedAccess:EC2/SSHBruteForce",
            ])
        #expect(byType["Recon:EC2/Portscan"]?.first?.description.contains("60 ports") == true)
        #expect(byType["Impact:EC2/PortSweep"]?.first?.description.contains("on 55 IP addresses") == true)
        #expect(byType["UnauthorizedAccess:EC2/SSHBruteForce"]?.first?.service.count == 24)
        #expect(byType["Recon:EC2/PortProbeUnprotectedPort"]?.first?.description.contains("probed 12 ports") == true)
        #expect(
            findings.allSatisfy { finding in
                ["eni-scan", "eni-sweep", "eni-ssh", "eni-probe"].contains(
                    finding.resource.instanceDetails?.networkInterfaces?.first?.networkInterfaceId ?? "")
            })
    }

    func pick(_ random: inout SplitMixGenerator, _ options: [Int]) -> Int { options[Int(random.next() % UInt64(options.count))] }

    /// Values that repeat, change by a byte, or carry escapes (in values and in keys), and timestamps that repeat: the
    /// byte-level CloudTrail reader, which keeps repeating Strings and times, reads them as JSONSerialization does.
    @Test func theByteLevelCloudTrailReaderKeepsNoStaleValue() {
        var random = SplitMixGenerator(seed: 9)
        let sources = ["ec2.amazonaws.com", "ec2.amazonaws.coM", "iam.amazonaws.com", "s3.amazonaws.com", #"s3.amazon\u0061ws.com"#]
        let agents = ["aws-cli/2.13.0 Python/3.11", "aws-cli/2.13.0 Python/3.12", #"Mozilla \"quoted\""#, "aws-cli/2.13.0 Python/3.11"]
        let lines = (0..<400).map { index -> String in
            let source = sources[Int(random.next() % UInt64(sources.count))]
            let agent = agents[Int(random.next() % UInt64(agents.count))]
            let second = index / 3 % 60
            let key = random.next() % 5 == 0 ? #"event\u004eame"# : "eventName"
            let user = random.next() % 3 == 0 ? "bob" : "bo\(random.next() % 2 == 0 ? "b" : "x")"
            return #"{"eventTime":"2024-01-01T00:00:\#(second < 10 ? "0" : "")\#(second)Z","eventSource":"\#(source)","\#(key)":"ListBuckets","#
                + #""awsRegion":"us-east-1","sourceIPAddress":"203.0.113.\#(random.next() % 3)","userAgent":"\#(agent)","readOnly":\#(index % 2 == 0),"#
                + #""userIdentity":{"type":"IAMUser","userName":"\#(user)","accountId":"123456789012","arn":"arn:aws:iam::123456789012:user/\#(user)"},"#
                + #""requestParameters":{"bucketName":"b\#(random.next() % 2)"}}"#
        }
        let bytes = Array(lines.joined(separator: "\n").utf8)
        let fast = cloudTrailSummary(bytes, byteLevel: true)
        let full = cloudTrailSummary(bytes, byteLevel: false)
        #expect(fast.count == 400)
        #expect(full.count == 400)
        let differing = zip(fast, full).filter { $0.0 != $0.1 }
        let first = differing.first.map { "\($0.0)\n\($0.1)" } ?? ""
        #expect(differing.count == 0, "first difference:\n\(first)")
    }

    /// Route 53 lines of many shapes — numbers, objects and arrays as values, several answers, missing and repeated
    /// fields, odd spacing, escapes — read by the one-pass reader as JSONSerialization reads them.
    @Test func theOnePassDNSReaderAgreesWithJSONSerialization() {
        var random = SplitMixGenerator(seed: 17)
        func pick(_ options: [String]) -> String { options[Int(random.next() % UInt64(options.count))] }
        let lines = (0..<2_000).map { index -> String in
            var fields = [
                #""version":"1.100000""#, #""account_id":"\#(pick(["123456789012", "210987654321"]))""#,
                #""region":"\#(pick(["us-east-1", "eu-west-1"]))""#,
                #""vpc_id":"vpc-\#(index % 3)""#, #""query_timestamp":"2024-01-01T00:0\#(index / 600 % 10):\#(10 + index % 50)Z""#,
                #""query_name":"\#(pick(["Host\(index % 7).Example.com.", "a.b.c.", "x\(index).internal"]))""#,
                #""query_type":"\#(pick(["A", "AAAA", "TXT"]))""#,
                #""query_class":"IN""#, #""rcode":"\#(pick(["NOERROR", "NXDOMAIN"]))""#,
                #""answers":\#(pick(["[]", #"[{"Rdata":"169.254.169.254","Type":"A","Class":"IN"}]"#, #"[{"Rdata":"1.2.3.4","Type":"A"},{"Rdata":"5.6.7.8","Type":"A"}]"#, "null"]))"#,
                #""srcaddr":"10.0.\#(index % 4).5""#, #""srcport":\#(pick([#""5353""#, "5353", "{}"]))"#, #""transport":"\#(pick(["UDP", "TCP"]))""#,
                #""srcids":{"instance":"i-0abc\#(index % 5)","resolver_endpoint":"rslvr-in-1"}"#,
            ]
            if random.next() % 10 == 0 { fields.remove(at: Int(random.next() % UInt64(fields.count))) }
            if random.next() % 20 == 0 { fields.append(#""note":"a \"quoted\" word""#) }
            let separator = random.next() % 4 == 0 ? ", " : ","
            return "{" + fields.joined(separator: separator) + "}"
        }
        func read(_ byteLevel: Bool) -> [String] {
            var parser = DNSLogParser(byteLevel: byteLevel)
            var out: [String] = []
            parser.parse(Array(lines.joined(separator: "\n").utf8)) { query in
                out.append(
                    [
                        String(query.time), query.accountId ?? "-", query.region ?? "-", query.queryName, query.queryType ?? "-", query.rcode ?? "-",
                        query.sourceAddress ?? "-", query.instanceId ?? "-", query.vpcId ?? "-", query.transport ?? "-",
                        query.answers.joined(separator: ","),
                    ].joined(separator: "|"))
            }
            return out
        }
        let fast = read(true)
        let full = read(false)
        #expect(fast.count > 1_700)
        let differing = zip(fast, full).filter { $0.0 != $0.1 }
        #expect(fast.count == full.count)
        #expect(differing.count == 0, "first difference:\n\(differing.first.map { "\($0.0)\n\($0.1)" } ?? "")")
    }

    /// Pieces of a file end at line ends and add up to the file, also with a line longer than a piece.
    @Test func chunksAreWholeLinesAndAddUpToTheFile() throws {
        let path = NSTemporaryDirectory() + "guardpost-chunks-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var random = SplitMixGenerator(seed: 3)
        var text = (0..<500).map { index in String(repeating: "x", count: Int(random.next() % 90)) + " \(index)" }.joined(separator: "\n")
        text += "\n" + String(repeating: "long", count: 100) + "\nlast line without a newline"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var pieces: [[UInt8]] = []
        try LogInput.forEachChunk(path, chunkSize: 64) { pieces.append(Array($0)) }
        #expect(pieces.flatMap { $0 } == Array(text.utf8))
        #expect(pieces.dropLast().allSatisfy { $0.last == 10 })
        #expect(pieces.count > 50)
        #expect(throws: LogInputError.self) { try LogInput.forEachChunk(path + ".missing") { _ in } }
    }
}
