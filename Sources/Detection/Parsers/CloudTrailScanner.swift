/// A byte-level reader of CloudTrail JSON that pulls the fields the rules need from each event without building
/// a tree: strings are decoded only for those fields, everything else is skipped by structure. It returns nil for
/// input it does not understand, and the caller falls back to the full parser.
struct CloudTrailScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var malformed = 0

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

    /// A string starting at the current '"'; escapes decoded when present.
    mutating func string() -> String? {
        guard self.index < self.bytes.count, self.bytes[self.index] == 34 else { return nil }
        let start = self.index + 1
        var cursor = start
        var escaped = false
        while cursor < self.bytes.count && self.bytes[cursor] != 34 {
            if self.bytes[cursor] == 92 { escaped = true; cursor += 1 }
            cursor += 1
        }
        guard cursor < self.bytes.count else { return nil }
        self.index = cursor + 1
        let raw = UnsafeBufferPointer(rebasing: self.bytes[start..<cursor])
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        return Self.unescape(raw)
    }

    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte != 92 { out.append(byte); index += 1; continue }
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
                    if depth == 0 { self.index += 1; return true }
                }
                self.index += 1
            }
            return false
        }
        while self.index < self.bytes.count {
            let current = self.bytes[self.index]
            if current == 44 || current == 125 || current == 93 || current == 32 || current == 10 || current == 13 || current == 9 { return true }
            self.index += 1
        }
        return true
    }

    /// Walks the members of an object at the current '{', calling `member` with each key; `member` must consume the value.
    mutating func object(_ member: (inout CloudTrailScanner, String) -> Bool) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count, self.bytes[self.index] == 123 else { return false }
        self.index += 1
        while true {
            self.skipSpace()
            guard self.index < self.bytes.count else { return false }
            if self.bytes[self.index] == 125 { self.index += 1; return true }
            if self.bytes[self.index] == 44 { self.index += 1; continue }
            guard let key = self.string() else { return false }
            self.skipSpace()
            guard self.index < self.bytes.count, self.bytes[self.index] == 58 else { return false }
            self.index += 1
            self.skipSpace()
            guard member(&self, key) else { return false }
        }
    }

    /// A string value, or nil (consumed) for any other value.
    mutating func stringValue() -> String?? {
        self.skipSpace()
        guard self.index < self.bytes.count else { return nil }
        if self.bytes[self.index] == 34 { return .some(self.string()) }
        return self.skipValue() ? .some(nil) : nil
    }

    /// One event object at the current '{'.
    mutating func event() -> CloudTrailEvent? {
        var event = CloudTrailEvent(eventTime: 0, eventSource: "", eventName: "")
        var time: Int64?
        let ok = self.object { scanner, key in
            switch key {
            case "eventTime", "eventSource", "eventName", "eventType", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "recipientAccountId",
                 "eventCategory":
                guard let value = scanner.stringValue() else { return false }
                switch key {
                case "eventTime": time = value.flatMap(Timestamps.parse)
                case "eventSource": event.eventSource = value ?? ""
                case "eventName": event.eventName = value ?? ""
                case "eventType": event.eventType = value
                case "awsRegion": event.awsRegion = value
                case "sourceIPAddress": event.sourceIPAddress = value
                case "userAgent": event.userAgent = value
                case "errorCode": event.errorCode = value
                case "eventCategory": event.eventCategory = value
                default: event.recipientAccountId = value
                }
                return true
            case "readOnly", "managementEvent":
                let start = scanner.index
                guard scanner.skipValue() else { return false }
                let flag: Bool? = scanner.bytes[start] == UInt8(ascii: "t") ? true : scanner.bytes[start] == UInt8(ascii: "f") ? false : nil
                if key == "readOnly" { event.readOnly = flag } else { event.managementEvent = flag }
                return true
            case "requestParameters":
                // Only S3 events keep their parameters (the bucket rules read them); the bucket name is read for all.
                guard scanner.index < scanner.bytes.count, scanner.bytes[scanner.index] == 123,
                      event.eventSource.isEmpty || event.eventSource.hasPrefix("s3")
                else { return scanner.skipValue() }
                let start = scanner.index
                let ok = scanner.object { inner, key in
                    guard key == "bucketName" else { return inner.skipValue() }
                    guard let value = inner.stringValue() else { return false }
                    event.bucketName = value
                    return true
                }
                if ok, event.eventSource.isEmpty || event.eventSource.hasPrefix("s3"),
                   event.eventName.isEmpty || DetectionEngine.s3PolicyAPIs.contains(event.eventName) {
                    event.requestParameters = Array(scanner.bytes[start..<scanner.index])
                }
                return ok
            case "userIdentity":
                guard scanner.index < scanner.bytes.count, scanner.bytes[scanner.index] == 123 else { return scanner.skipValue() }
                var accountId: String?
                let ok = scanner.object { inner, key in
                    switch key {
                    case "type", "arn", "principalId", "accessKeyId", "userName", "invokedBy", "accountId":
                        guard let value = inner.stringValue() else { return false }
                        switch key {
                        case "type": event.identityType = value
                        case "arn": event.identityArn = value
                        case "principalId": event.principalId = value
                        case "accessKeyId": event.accessKeyId = value
                        case "userName": event.userName = value
                        case "invokedBy": event.invokedBy = value
                        default: accountId = value
                        }
                        return true
                    default:
                        return inner.skipValue()
                    }
                }
                if event.recipientAccountId == nil { event.recipientAccountId = accountId }
                return ok
            case "responseElements":
                guard scanner.index < scanner.bytes.count, scanner.bytes[scanner.index] == 123 else { return scanner.skipValue() }
                return scanner.object { inner, key in
                    guard key == "ConsoleLogin" else { return inner.skipValue() }
                    guard let value = inner.stringValue() else { return false }
                    event.consoleLoginResult = value
                    return true
                }
            default:
                return scanner.skipValue()
            }
        }
        guard ok else { return nil }
        if event.requestParameters != nil, !event.eventSource.hasPrefix("s3") || !DetectionEngine.s3PolicyAPIs.contains(event.eventName) {
            event.requestParameters = nil
        }
        guard let time, !event.eventName.isEmpty, !event.eventSource.isEmpty else {
            self.malformed += 1
            return CloudTrailEvent(eventTime: Int64.min, eventSource: "", eventName: "")
        }
        event.eventTime = time
        return event
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
                guard key == "Records" else { return scanner.skipValue() }
                sawRecords = true
                if !scanner.array(body) { failed = true; return false }
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
            if byte == 93 { self.index += 1; return true }
            if byte == 44 { self.index += 1; continue }
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
