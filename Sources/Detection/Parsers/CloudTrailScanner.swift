/// A byte-level reader of CloudTrail JSON that pulls the fields the rules need from each event without building
/// a tree: strings are decoded only for those fields, everything else is skipped by structure. It returns nil for
/// input it does not understand, and the caller falls back to the full parser.
struct CloudTrailScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var malformed = 0
    /// Values that repeat from event to event (sources, user agents, principals…) keep their Strings.
    var repeating = RepeatingStrings(slots: Key.eventTime.rawValue)

    /// The keys the rules read, recognised by their bytes without a String (one enum for every level of an event:
    /// each level reads the ones that belong to it). The string-valued ones come first: their raw values are the
    /// slots of `repeating`.
    enum Key: Int {
        case eventSource, eventName, eventType, awsRegion, sourceIPAddress, userAgent, errorCode, recipientAccountId, eventCategory
        case type, arn, principalId, accessKeyId, userName, invokedBy, accountId, bucketName, consoleLogin, vpcEndpointId
        case eventTime, readOnly, managementEvent, requestParameters, userIdentity, responseElements, records, other

        init(_ start: UnsafePointer<UInt8>, _ count: Int) {
            @inline(__always) func equals(_ literal: StaticString) -> Bool { bytesEqual(start, count, literal) }
            switch count {
            case 3 where equals("arn"): self = .arn
            case 4 where equals("type"): self = .type
            case 7 where equals("Records"): self = .records
            case 8 where equals("readOnly"): self = .readOnly
            case 8 where equals("userName"): self = .userName
            case 9 where equals("eventTime"): self = .eventTime
            case 9 where equals("eventName"): self = .eventName
            case 9 where equals("eventType"): self = .eventType
            case 9 where equals("awsRegion"): self = .awsRegion
            case 9 where equals("userAgent"): self = .userAgent
            case 9 where equals("errorCode"): self = .errorCode
            case 9 where equals("invokedBy"): self = .invokedBy
            case 9 where equals("accountId"): self = .accountId
            case 10 where equals("bucketName"): self = .bucketName
            case 11 where equals("eventSource"): self = .eventSource
            case 11 where equals("principalId"): self = .principalId
            case 11 where equals("accessKeyId"): self = .accessKeyId
            case 12 where equals("userIdentity"): self = .userIdentity
            case 12 where equals("ConsoleLogin"): self = .consoleLogin
            case 13 where equals("eventCategory"): self = .eventCategory
            case 13 where equals("vpcEndpointId"): self = .vpcEndpointId
            case 15 where equals("sourceIPAddress"): self = .sourceIPAddress
            case 15 where equals("managementEvent"): self = .managementEvent
            case 16 where equals("responseElements"): self = .responseElements
            case 17 where equals("requestParameters"): self = .requestParameters
            case 18 where equals("recipientAccountId"): self = .recipientAccountId
            default: self = .other
            }
        }
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func skipSpace() {
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            guard byte == 32 || byte == 10 || byte == 13 || byte == 9 else { return }
            self.index += 1
        }
    }

    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte != 92 {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < raw.count else { return nil }
            let next = raw[index + 1]
            switch next {
            case 110: out.append(10)
            case 116: out.append(9)
            case 114: out.append(13)
            case 98: out.append(8)
            case 102: out.append(12)
            case 117:
                guard index + 5 < raw.count else { return nil }
                var value: UInt32 = 0
                for offset in 2...5 {
                    let digit = raw[index + offset]
                    let nibble: UInt32
                    switch digit {
                    case 48...57: nibble = UInt32(digit - 48)
                    case 65...70: nibble = UInt32(digit - 55)
                    case 97...102: nibble = UInt32(digit - 87)
                    default: return nil
                    }
                    value = value << 4 | nibble
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(value) ?? "\u{FFFD}").utf8))
                index += 6
                continue
            default: out.append(next)
            }
            index += 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Skips any value (string, number, literal, object, array).
    mutating func skipValue() -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count else { return false }
        let byte = self.bytes[self.index]
        if byte == 34 {
            self.index += 1
            while self.index < self.bytes.count && self.bytes[self.index] != 34 {
                if self.bytes[self.index] == 92 { self.index += 1 }
                self.index += 1
            }
            guard self.index < self.bytes.count else { return false }
            self.index += 1
            return true
        }
        if byte == 123 || byte == 91 {
            var depth = 0
            while self.index < self.bytes.count {
                let current = self.bytes[self.index]
                if current == 34 {
                    guard self.skipValue() else { return false }
                    continue
                }
                if current == 123 || current == 91 { depth += 1 }
                if current == 125 || current == 93 {
                    depth -= 1
                    if depth == 0 {
                        self.index += 1
                        return true
                    }
                }
                self.index += 1
            }
            return false
        }
        // A literal (number, true, false, null): at least one byte. A ',', '}', ']' or ':' where a value should be is not
        // one: the caller would loop on it without moving (`[}` kept the array reader spinning forever).
        guard byte != 44 && byte != 125 && byte != 93 && byte != 58 else { return false }
        while self.index < self.bytes.count {
            let current = self.bytes[self.index]
            if current == 44 || current == 125 || current == 93 || current == 32 || current == 10 || current == 13 || current == 9 { return true }
            self.index += 1
        }
        return true
    }

    /// The raw bytes of the string at the current '"' (consumed), and whether it has escapes.
    @inline(__always)
    mutating func rawString() -> (start: Int, end: Int, escaped: Bool)? {
        guard self.index < self.bytes.count, self.bytes[self.index] == 34 else { return nil }
        let start = self.index + 1
        var cursor = start
        var escaped = false
        while cursor < self.bytes.count && self.bytes[cursor] != 34 {
            if self.bytes[cursor] == 92 {
                escaped = true
                cursor += 1
            }
            cursor += 1
        }
        guard cursor < self.bytes.count else { return nil }
        self.index = cursor + 1
        return (start, cursor, escaped)
    }

    /// Walks the members of an object at the current '{', calling `member` with each key; `member` must consume the value.
    mutating func object(_ member: (inout CloudTrailScanner, Key) -> Bool) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count, self.bytes[self.index] == 123 else { return false }
        self.index += 1
        while true {
            self.skipSpace()
            guard self.index < self.bytes.count else { return false }
            if self.bytes[self.index] == 125 {
                self.index += 1
                return true
            }
            if self.bytes[self.index] == 44 {
                self.index += 1
                continue
            }
            guard let (start, end, escaped) = self.rawString() else { return false }
            let key: Key
            if escaped {
                guard let text = Self.unescape(UnsafeBufferPointer(rebasing: self.bytes[start..<end])) else { return false }
                key = Array(text.utf8).withUnsafeBufferPointer { Key($0.baseAddress ?? self.bytes.baseAddress!, $0.count) }
            } else {
                key = Key(self.bytes.baseAddress! + start, end - start)
            }
            self.skipSpace()
            guard self.index < self.bytes.count, self.bytes[self.index] == 58 else { return false }
            self.index += 1
            self.skipSpace()
            guard member(&self, key) else { return false }
        }
    }

    /// A string value, or nil (consumed) for any other value. Values of the string keys reuse their last String while
    /// their bytes repeat.
    mutating func stringValue(_ key: Key) -> String?? {
        self.skipSpace()
        guard self.index < self.bytes.count else { return nil }
        guard self.bytes[self.index] == 34 else { return self.skipValue() ? .some(nil) : nil }
        guard let (start, end, escaped) = self.rawString() else { return nil }
        let raw = UnsafeBufferPointer(rebasing: self.bytes[start..<end])
        if escaped { return .some(Self.unescape(raw)) }
        if key.rawValue < Key.eventTime.rawValue { return .some(self.repeating.string(key.rawValue, self.bytes.baseAddress! + start, end - start)) }
        return .some(String(decoding: raw, as: UTF8.self))
    }

    /// The seconds of the timestamp value (nil inside when it is not one); nil when the value is broken.
    mutating func timeValue() -> Int64?? {
        self.skipSpace()
        guard self.index < self.bytes.count, self.bytes[self.index] == 34 else { return self.skipValue() ? .some(nil) : nil }
        guard let (start, end, escaped) = self.rawString() else { return nil }
        if escaped { return .some(Self.unescape(UnsafeBufferPointer(rebasing: self.bytes[start..<end])).flatMap(Timestamps.parse)) }
        return .some(self.repeating.seconds(self.bytes.baseAddress! + start, end - start))
    }

    /// One event object at the current '{'.
    mutating func event() -> CloudTrailEvent? {
        var event = CloudTrailEvent(eventTime: 0, eventSource: "", eventName: "")
        var time: Int64?
        let ok = self.object { scanner, key in
            switch key {
            case .eventTime:
                guard let value = scanner.timeValue() else { return false }
                time = value
                return true
            case .eventSource, .eventName, .eventType, .awsRegion, .sourceIPAddress, .userAgent, .errorCode, .recipientAccountId, .eventCategory,
                .vpcEndpointId:
                guard let value = scanner.stringValue(key) else { return false }
                switch key {
                case .vpcEndpointId: event.vpcEndpointId = value
                case .eventSource: event.eventSource = value ?? ""
                case .eventName: event.eventName = value ?? ""
                case .eventType: event.eventType = value
                case .awsRegion: event.awsRegion = value
                case .sourceIPAddress: event.sourceIPAddress = value
                case .userAgent: event.userAgent = value
                case .errorCode: event.errorCode = value
                case .eventCategory: event.eventCategory = value
                default: event.recipientAccountId = value
                }
                return true
            case .readOnly, .managementEvent:
                let start = scanner.index
                guard scanner.skipValue() else { return false }
                let flag: Bool? = scanner.bytes[start] == UInt8(ascii: "t") ? true : scanner.bytes[start] == UInt8(ascii: "f") ? false : nil
                if key == .readOnly { event.readOnly = flag } else { event.managementEvent = flag }
                return true
            case .requestParameters: return scanner.requestParameters(into: &event)
            case .userIdentity: return scanner.userIdentity(into: &event)
            case .responseElements: return scanner.responseElements(into: &event)
            default:
                return scanner.skipValue()
            }
        }
        guard ok else { return nil }
        event.dropRawJSONNotRead()
        guard let time, !event.eventName.isEmpty, !event.eventSource.isEmpty else {
            self.malformed += 1
            return CloudTrailEvent(eventTime: Int64.min, eventSource: "", eventName: "")
        }
        event.eventTime = time
        return event
    }

    /// The `requestParameters` object: the bucket name, and the raw JSON of the events that keep it.
    mutating func requestParameters(into event: inout CloudTrailEvent) -> Bool {
        // Only S3 events (the bucket rules) and EC2 address events (the organisation's addresses) keep their parameters.
        guard self.index < self.bytes.count, self.bytes[self.index] == 123, event.mayKeepRawParameters else {
            return self.skipValue()
        }
        let start = self.index
        let ok = self.object { inner, key in
            guard key == .bucketName else { return inner.skipValue() }
            guard let value = inner.stringValue(key) else { return false }
            event.bucketName = value
            return true
        }
        if ok, event.mayKeepRawParameters { event.requestParameters = Array(self.bytes[start..<self.index]) }
        return ok
    }

    /// The `userIdentity` object: the principal, and the account when the event names no recipient.
    mutating func userIdentity(into event: inout CloudTrailEvent) -> Bool {
        guard self.index < self.bytes.count, self.bytes[self.index] == 123 else { return self.skipValue() }
        var accountId: String?
        let ok = self.object { inner, key in
            switch key {
            case .type, .arn, .principalId, .accessKeyId, .userName, .invokedBy, .accountId:
                guard let value = inner.stringValue(key) else { return false }
                switch key {
                case .type: event.identityType = value
                case .arn: event.identityArn = value
                case .principalId: event.principalId = value
                case .accessKeyId: event.accessKeyId = value
                case .userName: event.userName = value
                case .invokedBy: event.invokedBy = value
                default: accountId = value
                }
                return true
            default:
                return inner.skipValue()
            }
        }
        if event.recipientAccountId == nil { event.recipientAccountId = accountId }
        return ok
    }

    /// The `responseElements` object: a console login's result, and the raw JSON of the address events.
    mutating func responseElements(into event: inout CloudTrailEvent) -> Bool {
        guard self.index < self.bytes.count, self.bytes[self.index] == 123 else { return self.skipValue() }
        let start = self.index
        let ok = self.object { inner, key in
            guard key == .consoleLogin else { return inner.skipValue() }
            guard let value = inner.stringValue(key) else { return false }
            event.consoleLoginResult = value
            return true
        }
        // The address events' answers name the organisation's public addresses (bounded: they are small).
        if ok, event.mayKeepRawResponse, self.index - start <= CloudTrailEvent.maximumRawResponse {
            event.responseElements = Array(self.bytes[start..<self.index])
        }
        return ok
    }

    /// A CloudTrail file: `{"Records":[…]}`, an array of events, or events one per line. Nil when the structure is
    /// not one of these (the caller then uses the full parser, which reports what is wrong).
    mutating func events(_ body: (CloudTrailEvent) -> Void) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count else { return true }
        if self.bytes[self.index] == 91 {
            return self.array(body)
        }
        // An object: a Records wrapper, or the first of several JSON lines.
        while true {
            self.skipSpace()
            guard self.index < self.bytes.count else { return true }
            guard self.bytes[self.index] == 123 else { return false }
            let mark = self.index
            var sawRecords = false
            var failed = false
            let ok = self.object { scanner, key in
                guard key == .records else { return scanner.skipValue() }
                sawRecords = true
                if !scanner.array(body) {
                    failed = true
                    return false
                }
                return true
            }
            if failed || !ok { return false }
            if !sawRecords {
                self.index = mark
                guard let event = self.event() else { return false }
                if event.eventTime != Int64.min { body(event) }
            }
        }
    }

    mutating func array(_ body: (CloudTrailEvent) -> Void) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count, self.bytes[self.index] == 91 else { return false }
        self.index += 1
        while true {
            self.skipSpace()
            guard self.index < self.bytes.count else { return false }
            let byte = self.bytes[self.index]
            if byte == 93 {
                self.index += 1
                return true
            }
            if byte == 44 {
                self.index += 1
                continue
            }
            if byte != 123 {
                guard self.skipValue() else { return false }
                self.malformed += 1
                continue
            }
            guard let event = self.event() else { return false }
            if event.eventTime != Int64.min { body(event) }
        }
    }
}
