import Foundation

/// CloudTrail as it is delivered: files of `{"Records":[…]}`, JSON arrays of events, or JSON lines.
/// A record that is not an event is counted as malformed and skipped.
public struct CloudTrailParser {
    public var statistics = ParseStatistics()
    /// Use the byte-level reader (falls back to JSONSerialization on input it does not understand).
    public var byteLevel: Bool

    public init(byteLevel: Bool = true) {
        self.byteLevel = byteLevel
    }

    public mutating func parse(_ data: [UInt8], _ body: (CloudTrailEvent) -> Void) {
        self.statistics.bytes += data.count
        // The byte-level reader first; events it delivered are buffered so that a fallback never repeats them.
        var events: [CloudTrailEvent] = []
        var malformed = 0
        let understood =
            self.byteLevel
            && data.withUnsafeBufferPointer { buffer -> Bool in
                var scanner = CloudTrailScanner(buffer)
                let ok = scanner.events { events.append($0) }
                malformed = scanner.malformed
                return ok
            }
        if understood {
            self.statistics.records += events.count
            for _ in 0..<malformed { self.statistics.malformed(0, "", "not a CloudTrail event (eventName, eventSource and eventTime are required)") }
            for event in events { body(event) }
            return
        }
        let trimmed = data.drop { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }
        // A whole document first ({"Records": …} or an array); else JSON lines.
        if let first = trimmed.first, first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
            let document = try? JSONSerialization.jsonObject(with: Data(trimmed))
        {
            let records: [Any]
            if let object = document as? [String: Any] {
                records = (object["Records"] as? [Any]) ?? [object]
            } else {
                records = (document as? [Any]) ?? []
            }
            for (index, record) in records.enumerated() { self.event(record, line: index + 1, body) }
            return
        }
        var lineNumber = 0
        for line in data.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) else {
                self.statistics.malformed(lineNumber, String(decoding: line, as: UTF8.self), "not JSON")
                continue
            }
            if let wrapper = object as? [String: Any], let records = wrapper["Records"] as? [Any] {
                for record in records { self.event(record, line: lineNumber, body) }
            } else {
                self.event(object, line: lineNumber, body)
            }
        }
    }

    private mutating func event(_ value: Any, line: Int, _ body: (CloudTrailEvent) -> Void) {
        guard let record = value as? [String: Any], let name = record["eventName"] as? String, let source = record["eventSource"] as? String,
            let timeText = record["eventTime"] as? String, let time = Timestamps.parse(timeText)
        else {
            self.statistics.malformed(line, "\(value)", "not a CloudTrail event (eventName, eventSource and eventTime are required)")
            return
        }
        let identity = record["userIdentity"] as? [String: Any] ?? [:]
        let response = record["responseElements"] as? [String: Any]
        let parameters = record["requestParameters"] as? [String: Any]
        self.statistics.records += 1
        var event = CloudTrailEvent(
            eventTime: time, eventSource: source, eventName: name, eventType: record["eventType"] as? String,
            awsRegion: record["awsRegion"] as? String, sourceIPAddress: record["sourceIPAddress"] as? String,
            userAgent: record["userAgent"] as? String, errorCode: record["errorCode"] as? String,
            recipientAccountId: record["recipientAccountId"] as? String ?? identity["accountId"] as? String,
            identityType: identity["type"] as? String, identityArn: identity["arn"] as? String,
            principalId: identity["principalId"] as? String, accessKeyId: identity["accessKeyId"] as? String,
            userName: identity["userName"] as? String, invokedBy: identity["invokedBy"] as? String,
            consoleLoginResult: response?["ConsoleLogin"] as? String, readOnly: record["readOnly"] as? Bool
        )
        event.eventCategory = record["eventCategory"] as? String
        event.managementEvent = record["managementEvent"] as? Bool
        event.vpcEndpointId = record["vpcEndpointId"] as? String
        if let parameters, source.hasPrefix("s3") {
            event.bucketName = parameters["bucketName"] as? String
            event.requestParameters = (try? JSONSerialization.data(withJSONObject: parameters)).map(Array.init)
        }
        if event.mayKeepRawResponse {
            event.requestParameters = parameters.flatMap { try? JSONSerialization.data(withJSONObject: $0) }.map(Array.init)
            event.responseElements = response.flatMap { try? JSONSerialization.data(withJSONObject: $0) }.map(Array.init)
        }
        body(event)
    }
}

/// Route 53 Resolver query logs: one JSON object per line.
public struct DNSLogParser {
    /// The common case without a JSON tree: every `"key": "value"` pair of the line in one pass over its bytes
    /// (nested keys included: `instance` of `srcids`, `Rdata` of `answers`). The query name is lower-cased and loses
    /// its trailing dot here, once; the fields that repeat (account, region, VPC, instance, address, type, rcode,
    /// transport) reuse their Strings while their bytes do not change. Lines with escapes take the full parser.
    static func fastQuery(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ repeating: inout RepeatingStrings) -> DNSQuery? {
        guard memchr(base + start, 92, end - start) == nil else { return nil }
        var query = DNSQuery(
            time: 0, accountId: nil, region: nil, queryName: "", queryType: nil, rcode: nil, sourceAddress: nil, instanceId: nil,
            vpcId: nil, transport: nil, answers: [])
        var haveTime = false
        var index = start
        var pendingKey: Key?
        while true {
            // The next string, eight bytes at a time: what lies between strings only matters right after a key (below).
            index = Self.quote(base, from: index, end: end)
            guard index < end else { break }
            let close = Self.quote(base, from: index + 1, end: end)
            guard close < end else { return nil }
            let tokenStart = index + 1
            let tokenCount = close - tokenStart
            index = close + 1
            while index < end && base[index] == 32 { index += 1 }
            if index < end && base[index] == 58 {
                index += 1
                while index < end && base[index] == 32 { index += 1 }
                // A key whose value is not a string (a number, an object, an array) has no value for us.
                pendingKey = index < end && base[index] == 34 ? Key(base + tokenStart, tokenCount) : nil
                continue
            }
            if let key = pendingKey {
                let value = base + tokenStart
                switch key {
                case .queryName: query.queryName = Self.normalisedName(value, tokenCount)
                case .queryTimestamp:
                    guard let time = repeating.seconds(value, tokenCount) else { return nil }
                    query.time = time
                    haveTime = true
                case .queryType: query.queryType = repeating.string(key.rawValue, value, tokenCount)
                case .rcode: query.rcode = repeating.string(key.rawValue, value, tokenCount)
                case .srcaddr: query.sourceAddress = repeating.string(key.rawValue, value, tokenCount)
                case .accountId: query.accountId = repeating.string(key.rawValue, value, tokenCount)
                case .region: query.region = repeating.string(key.rawValue, value, tokenCount)
                case .instance: query.instanceId = repeating.string(key.rawValue, value, tokenCount)
                case .vpcId: query.vpcId = repeating.string(key.rawValue, value, tokenCount)
                case .transport: query.transport = repeating.string(key.rawValue, value, tokenCount)
                case .rdata: query.answers.append(String(decoding: UnsafeBufferPointer(start: value, count: tokenCount), as: UTF8.self))
                case .other: break
                }
            }
            pendingKey = nil
        }
        guard haveTime, !query.queryName.isEmpty else { return nil }
        return query
    }

    /// The position of the next '"' at or after `from` (or `end`), eight bytes at a time while they lie in the line.
    @inline(__always)
    static func quote(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var position = from
        while position + 8 <= end {
            let quotes = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self) ^ 0x2222_2222_2222_2222
            let found = (quotes &- 0x0101_0101_0101_0101) & ~quotes & 0x8080_8080_8080_8080
            if found != 0 { return position + found.trailingZeroBitCount >> 3 }
            position += 8
        }
        while position < end && base[position] != 34 { position += 1 }
        return position
    }

    /// A query name lower-cased and without its trailing dot.
    static func normalisedName(_ start: UnsafePointer<UInt8>, _ count: Int) -> String {
        var count = count
        if count > 1 && start[count - 1] == UInt8(ascii: ".") { count -= 1 }
        let bytes = UnsafeBufferPointer(start: start, count: count)
        guard bytes.contains(where: { $0 >= 65 && $0 <= 90 }) else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The keys the rules read, recognised by their bytes.
    enum Key: Int {
        case queryType, rcode, srcaddr, accountId, region, instance, vpcId, transport, queryName, queryTimestamp, rdata, other

        @inline(__always)
        init(_ start: UnsafePointer<UInt8>, _ count: Int) {
            @inline(__always) func equals(_ literal: StaticString) -> Bool { bytesEqual(start, count, literal) }
            switch count {
            case 10 where equals("query_name"): self = .queryName
            case 15 where equals("query_timestamp"): self = .queryTimestamp
            case 10 where equals("query_type"): self = .queryType
            case 5 where equals("rcode"): self = .rcode
            case 5 where equals("Rdata"): self = .rdata
            case 7 where equals("srcaddr"): self = .srcaddr
            case 10 where equals("account_id"): self = .accountId
            case 6 where equals("region"): self = .region
            case 8 where equals("instance"): self = .instance
            case 6 where equals("vpc_id"): self = .vpcId
            case 9 where equals("transport"): self = .transport
            default: self = .other
            }
        }
    }

    public var statistics = ParseStatistics()
    /// Use the one-pass byte reader (lines it does not take go to JSONSerialization either way).
    public var byteLevel: Bool

    public init(byteLevel: Bool = true) {
        self.byteLevel = byteLevel
    }

    var repeating = RepeatingStrings(slots: Key.other.rawValue)

    public mutating func parse(_ data: [UInt8], _ body: (DNSQuery) -> Void) {
        data.withUnsafeBufferPointer { self.parse($0, body) }
    }

    /// Parses bytes that end at a line end (or the end of the file), calling `body` for each query.
    public mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>, _ body: (DNSQuery) -> Void) {
        self.statistics.bytes += buffer.count
        guard let base = buffer.baseAddress else { return }
        var lineNumber = 0
        var start = 0
        while start < buffer.count {
            let end =
                memchr(base + start, 10, buffer.count - start).map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) - base } ?? buffer.count
            defer { start = end + 1 }
            lineNumber += 1
            let line = buffer[start..<end]
            guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { continue }
            if self.byteLevel, let query = Self.fastQuery(base, start, end, &self.repeating) {
                self.statistics.records += 1
                body(query)
                continue
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let rawName = object["query_name"] as? String, let timeText = object["query_timestamp"] as? String,
                let time = Timestamps.parse(timeText)
            else {
                self.statistics.malformed(lineNumber, String(decoding: line, as: UTF8.self), "not a Route 53 Resolver query log record")
                continue
            }
            var answers: [String] = []
            if let list = object["answers"] as? [[String: Any]] {
                answers = list.compactMap { $0["Rdata"] as? String }
            } else if let single = object["answers"] as? [String: Any], let data = single["Rdata"] as? String {
                answers = [data]
            }
            let sourceIds = object["srcids"] as? [String: Any]
            let name = Array(rawName.utf8).withUnsafeBufferPointer { Self.normalisedName($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            self.statistics.records += 1
            body(
                DNSQuery(
                    time: time, accountId: object["account_id"] as? String, region: object["region"] as? String, queryName: name,
                    queryType: object["query_type"] as? String, rcode: object["rcode"] as? String, sourceAddress: object["srcaddr"] as? String,
                    instanceId: sourceIds?["instance"] as? String, vpcId: object["vpc_id"] as? String, transport: object["transport"] as? String,
                    answers: answers
                ))
        }
    }
}
