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
        let understood = self.byteLevel && data.withUnsafeBufferPointer { buffer -> Bool in
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
        event.bucketName = parameters?["bucketName"] as? String
        if let parameters, source.hasPrefix("s3") {
            event.requestParameters = (try? JSONSerialization.data(withJSONObject: parameters)).map(Array.init)
        }
        body(event)
    }
}

/// Route 53 Resolver query logs: one JSON object per line.
public struct DNSLogParser {
    /// The common case without a JSON tree: every `"key": "value"` pair of the line in one pass (nested keys
    /// included: `instance` of `srcids`, `Rdata` of `answers`). Lines with escapes take the full parser.
    static func fastQuery(_ line: ArraySlice<UInt8>) -> DNSQuery? {
        guard !line.contains(UInt8(ascii: "\\")) else { return nil }
        var query = DNSQuery(time: 0, accountId: nil, region: nil, queryName: "", queryType: nil, rcode: nil, sourceAddress: nil, instanceId: nil,
                             vpcId: nil, transport: nil, answers: [])
        var haveTime = false
        var index = line.startIndex
        var pendingKey: Range<Int>?
        while index < line.endIndex {
            let byte = line[index]
            if byte == 34 {
                var end = index + 1
                while end < line.endIndex && line[end] != 34 { end += 1 }
                guard end < line.endIndex else { return nil }
                let token = (index + 1)..<end
                index = end + 1
                while index < line.endIndex && line[index] == 32 { index += 1 }
                if index < line.endIndex && line[index] == 58 {
                    pendingKey = token
                    index += 1
                    continue
                }
                if let key = pendingKey {
                    let value = line[token]
                    switch Key(line[key]) {
                    case .queryName: query.queryName = String(decoding: value, as: UTF8.self)
                    case .queryTimestamp:
                        guard let time = Timestamps.parse(String(decoding: value, as: UTF8.self)) else { return nil }
                        query.time = time
                        haveTime = true
                    case .queryType: query.queryType = String(decoding: value, as: UTF8.self)
                    case .rcode: query.rcode = String(decoding: value, as: UTF8.self)
                    case .srcaddr: query.sourceAddress = String(decoding: value, as: UTF8.self)
                    case .accountId: query.accountId = String(decoding: value, as: UTF8.self)
                    case .region: query.region = String(decoding: value, as: UTF8.self)
                    case .instance: query.instanceId = String(decoding: value, as: UTF8.self)
                    case .vpcId: query.vpcId = String(decoding: value, as: UTF8.self)
                    case .transport: query.transport = String(decoding: value, as: UTF8.self)
                    case .rdata: query.answers.append(String(decoding: value, as: UTF8.self))
                    case .other: break
                    }
                }
                pendingKey = nil
                continue
            }
            if byte == 44 || byte == 123 { pendingKey = nil }
            index += 1
        }
        guard haveTime, !query.queryName.isEmpty else { return nil }
        return query
    }

    /// The keys the rules read, recognised by their bytes.
    enum Key {
        case queryName, queryTimestamp, queryType, rcode, srcaddr, accountId, region, instance, vpcId, transport, rdata, other

        init(_ bytes: ArraySlice<UInt8>) {
            switch bytes.count {
            case 10 where bytes.elementsEqual("query_name".utf8): self = .queryName
            case 15 where bytes.elementsEqual("query_timestamp".utf8): self = .queryTimestamp
            case 10 where bytes.elementsEqual("query_type".utf8): self = .queryType
            case 5 where bytes.elementsEqual("rcode".utf8): self = .rcode
            case 5 where bytes.elementsEqual("Rdata".utf8): self = .rdata
            case 7 where bytes.elementsEqual("srcaddr".utf8): self = .srcaddr
            case 10 where bytes.elementsEqual("account_id".utf8): self = .accountId
            case 6 where bytes.elementsEqual("region".utf8): self = .region
            case 8 where bytes.elementsEqual("instance".utf8): self = .instance
            case 6 where bytes.elementsEqual("vpc_id".utf8): self = .vpcId
            case 9 where bytes.elementsEqual("transport".utf8): self = .transport
            default: self = .other
            }
        }
    }

    public var statistics = ParseStatistics()

    public init() {}

    public mutating func parse(_ data: [UInt8], _ body: (DNSQuery) -> Void) {
        self.statistics.bytes += data.count
        var lineNumber = 0
        for line in data.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { continue }
            if let query = Self.fastQuery(line) {
                self.statistics.records += 1
                body(query)
                continue
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let name = object["query_name"] as? String, let timeText = object["query_timestamp"] as? String,
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
            self.statistics.records += 1
            body(DNSQuery(
                time: time, accountId: object["account_id"] as? String, region: object["region"] as? String, queryName: name,
                queryType: object["query_type"] as? String, rcode: object["rcode"] as? String, sourceAddress: object["srcaddr"] as? String,
                instanceId: sourceIds?["instance"] as? String, vpcId: object["vpc_id"] as? String, transport: object["transport"] as? String,
                answers: answers
            ))
        }
    }
}
