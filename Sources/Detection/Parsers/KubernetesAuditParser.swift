import Foundation

/// Kubernetes audit logs as `kube-apiserver --audit-log-path` writes them: one `Event` object per line (also a
/// `{"kind":"EventList","items":[…]}` document on one line), and as EKS delivers them through CloudWatch Logs (an
/// export's `TIMESTAMP {event}` lines, a subscription filter's `{"logEvents":[…]}` records). Events of `audit.k8s.io/v1` and `v1beta1`, and events
/// without an `apiVersion`, are read; any other line is counted as malformed and skipped.
///
/// A byte-level reader in the manner of `CloudTrailScanner`: it walks each line once, decodes only the fields the
/// rules read, keeps the request and response objects as their raw bytes (only a few rules look into them), and
/// skips everything else by structure. A line that is not JSON, too deeply broken, not valid UTF-8 in a field the
/// rules read (replaced), or of the wrong shape is counted, never trusted.
public struct KubernetesAuditParser {
    public var statistics = ParseStatistics()

    public init() {}

    public mutating func parse(_ data: [UInt8], _ body: (KubernetesAuditEvent) -> Void) {
        data.withUnsafeBufferPointer { self.parse($0, body) }
    }

    public mutating func parse(_ data: UnsafeBufferPointer<UInt8>, _ body: (KubernetesAuditEvent) -> Void) {
        self.statistics.bytes += data.count
        guard let base = data.baseAddress else { return }
        var lineNumber = 0
        var start = 0
        while start < data.count {
            lineNumber += 1
            var end = start
            if let newline = memchr(base + start, 10, data.count - start) {
                end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            } else {
                end = data.count
            }
            let line = UnsafeBufferPointer(rebasing: data[start..<end])
            start = end + 1
            guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { continue }
            self.line(Self.eventStart(line), number: lineNumber, nested: false, body)
        }
    }

    /// Where the JSON of a line starts: after a byte-order mark, and after the `TIMESTAMP ` that a CloudWatch Logs
    /// export (how EKS delivers its audit log) writes before each event.
    static func eventStart(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        if line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF { start = 3 }
        while start < line.count, line[start] == 32 || line[start] == 9 || line[start] == 13 { start += 1 }
        guard start < line.count, line[start] >= 48, line[start] <= 57 else { return UnsafeBufferPointer(rebasing: line[start...]) }
        var brace = start
        let limit = min(line.count, start + 64)
        while brace < limit, line[brace] != 123 { brace += 1 }
        guard brace < limit, Timestamps.parse(UnsafeBufferPointer(rebasing: line[start..<brace])) != nil else {
            return UnsafeBufferPointer(rebasing: line[start...])
        }
        return UnsafeBufferPointer(rebasing: line[brace...])
    }

    /// One line: an event, an event list, or a CloudWatch Logs subscription record (`{"messageType":"DATA_MESSAGE",
    /// "logEvents":[{"message":"<event>"}…]}`, what a subscription filter delivers), whose messages are read as lines
    /// of their own (`nested`: not again as records).
    private mutating func line(_ line: UnsafeBufferPointer<UInt8>, number: Int, nested: Bool, _ body: (KubernetesAuditEvent) -> Void) {
        var cursor = JSONCursor(line)
        var fields = Fields()
        var items: [KubernetesAuditEvent?] = []
        var isList = false
        var messages: [String]? = nil
        var controlMessage = false
        let complete = cursor.object { cursor, key, count in
            if !nested && count == 9 && bytesEqual(key, count, "logEvents") {
                var found: [String] = []
                let read = cursor.array { cursor in
                    cursor.optionalObject { cursor, key, count in
                        guard bytesEqual(key, count, "message") else { return cursor.skipValue() }
                        let value = cursor.optionalString()
                        if let message = value.value { found.append(message) }
                        return value.ok
                    }
                }
                messages = found
                return read
            }
            if !nested && count == 11 && bytesEqual(key, count, "messageType") {
                let value = cursor.optionalString()
                controlMessage = value.value == "CONTROL_MESSAGE"
                return value.ok
            }
            if count == 5 && bytesEqual(key, count, "items") {
                isList = true
                return cursor.array { cursor in
                    var item = Fields()
                    let complete = cursor.object { cursor, key, count in item.read(&cursor, key, count) }
                    items.append(complete ? item.make() : nil)
                    return complete
                }
            }
            return fields.read(&cursor, key, count)
        }
        cursor.skipSpace()
        guard complete, cursor.index == line.count else {
            self.statistics.malformed(number, String(decoding: line.prefix(160), as: UTF8.self), "not a JSON object")
            return
        }
        if let messages {
            guard !controlMessage else { return }
            for var message in messages {
                message.withUTF8 { self.line(Self.eventStart($0), number: number, nested: true, body) }
            }
            return
        }
        if isList {
            guard fields.kind == .eventList, fields.versionOK else {
                self.statistics.malformed(number, String(decoding: line.prefix(160), as: UTF8.self), Self.reason)
                return
            }
            for item in items {
                guard let event = item else {
                    self.statistics.malformed(number, String(decoding: line.prefix(160), as: UTF8.self), Self.reason)
                    continue
                }
                self.statistics.records += 1
                body(event)
            }
            return
        }
        guard let event = fields.make() else {
            self.statistics.malformed(number, String(decoding: line.prefix(160), as: UTF8.self), Self.reason)
            return
        }
        self.statistics.records += 1
        body(event)
    }

    static let reason = "not a Kubernetes audit event (kind Event of audit.k8s.io/v1 or v1beta1 with verb and a timestamp)"

    /// `audit.k8s.io/v1`, `audit.k8s.io/v1beta1`, or no `apiVersion` at all.
    static func isAuditVersion(_ value: String?) -> Bool {
        guard let value else { return true }
        return value == "audit.k8s.io/v1" || value == "audit.k8s.io/v1beta1"
    }

    /// The members of one event as they are read, in any order.
    struct Fields {
        enum Kind { case absent, event, eventList, other }
        var kind = Kind.absent
        var versionOK = true
        var partial = KubernetesAuditEvent(time: 0, verb: "")
        var verb: String?
        var stageTime: Int64?
        var receivedTime: Int64?
        var legacyTime: Int64?

        /// The event, when its kind, version, verb and time are right.
        func make() -> KubernetesAuditEvent? {
            guard self.kind == .absent || self.kind == .event, self.versionOK, let verb = self.verb,
                let time = self.stageTime ?? self.receivedTime ?? self.legacyTime
            else { return nil }
            var event = self.partial
            event.verb = verb
            event.time = time
            return event.bounded
        }

        static func time(_ cursor: inout JSONCursor) -> (ok: Bool, value: Int64?) {
            let text = cursor.optionalString()
            return (text.ok, text.value.flatMap(Timestamps.parse))
        }

        mutating func read(_ cursor: inout JSONCursor, _ key: UnsafePointer<UInt8>, _ count: Int) -> Bool {
            @inline(__always) func equals(_ literal: StaticString) -> Bool { bytesEqual(key, count, literal) }
            switch count {
            case 4 where equals("kind"):
                cursor.skipSpace()
                guard cursor.index < cursor.bytes.count, cursor.bytes[cursor.index] == 34 else {
                    self.kind = .other
                    return cursor.skipValue()
                }
                guard let raw = cursor.rawString() else { return false }
                let text = UnsafeBufferPointer(rebasing: cursor.bytes[raw.start..<raw.end])
                self.kind = text.elementsEqual("Event".utf8) ? .event : text.elementsEqual("EventList".utf8) ? .eventList : .other
                return true
            case 4 where equals("verb"):
                let value = cursor.optionalString()
                self.verb = value.value
                return value.ok
            case 4 where equals("user"):
                return cursor.optionalObject { cursor, key, count in
                    if bytesEqual(key, count, "username") {
                        let value = cursor.optionalString()
                        self.partial.username = value.value
                        return value.ok
                    }
                    if bytesEqual(key, count, "uid") {
                        let value = cursor.optionalString()
                        self.partial.uid = value.value
                        return value.ok
                    }
                    if bytesEqual(key, count, "groups") { return Self.strings(&cursor, into: &self.partial.groups) }
                    return cursor.skipValue()
                }
            case 5 where equals("stage"):
                let value = cursor.optionalString()
                self.partial.stage = value.value
                return value.ok
            case 7 where equals("auditID"):
                let value = cursor.optionalString()
                self.partial.auditID = value.value
                return value.ok
            case 9 where equals("sourceIPs"):
                return Self.strings(&cursor, into: &self.partial.sourceIPs)
            case 9 where equals("userAgent"):
                let value = cursor.optionalString()
                self.partial.userAgent = value.value
                return value.ok
            case 9 where equals("objectRef"):
                return self.objectRef(&cursor)
            case 9 where equals("timestamp"):
                let value = Self.time(&cursor)
                self.legacyTime = value.value
                return value.ok
            case 10 where equals("apiVersion"):
                cursor.skipSpace()
                guard cursor.index < cursor.bytes.count else { return false }
                switch cursor.bytes[cursor.index] {
                case 34:
                    guard let value = cursor.string() else { return false }
                    self.versionOK = KubernetesAuditParser.isAuditVersion(value)
                    return true
                case UInt8(ascii: "n"):
                    return cursor.skipValue()
                default:
                    self.versionOK = false
                    return cursor.skipValue()
                }
            case 10 where equals("requestURI"):
                let value = cursor.optionalString()
                self.partial.requestURI = value.value
                return value.ok
            case 11 where equals("annotations"):
                return cursor.optionalObject { cursor, key, count in
                    let raw = UnsafeBufferPointer(start: key, count: count)
                    // A writer may escape the slash (`authorization.k8s.io\/decision`).
                    let name = raw.contains(92) ? CloudTrailScanner.unescape(raw) ?? "" : ""
                    if bytesEqual(key, count, "authorization.k8s.io/decision") || name == "authorization.k8s.io/decision" {
                        let value = cursor.optionalString()
                        self.partial.authorizationDecision = value.value
                        return value.ok
                    }
                    if bytesEqual(key, count, "authorization.k8s.io/reason") || name == "authorization.k8s.io/reason" {
                        let value = cursor.optionalString()
                        self.partial.authorizationReason = value.value
                        return value.ok
                    }
                    return cursor.skipValue()
                }
            case 13 where equals("requestObject"):
                return Self.raw(&cursor, into: &self.partial.requestObject)
            case 14 where equals("responseObject"):
                return Self.raw(&cursor, into: &self.partial.responseObject)
            case 14 where equals("responseStatus"):
                return cursor.optionalObject { cursor, key, count in
                    guard bytesEqual(key, count, "code") else { return cursor.skipValue() }
                    let value = cursor.optionalInt()
                    self.partial.statusCode = value.value ?? 0
                    return value.ok
                }
            case 14 where equals("stageTimestamp"):
                let value = Self.time(&cursor)
                self.stageTime = value.value
                return value.ok
            case 16 where equals("impersonatedUser"):
                return cursor.optionalObject { cursor, key, count in
                    if bytesEqual(key, count, "username") {
                        let value = cursor.optionalString()
                        self.partial.impersonatedUsername = value.value
                        return value.ok
                    }
                    if bytesEqual(key, count, "groups") { return Self.strings(&cursor, into: &self.partial.impersonatedGroups) }
                    return cursor.skipValue()
                }
            case 24 where equals("requestReceivedTimestamp"):
                let value = Self.time(&cursor)
                self.receivedTime = value.value
                return value.ok
            default:
                return cursor.skipValue()
            }
        }

        mutating func objectRef(_ cursor: inout JSONCursor) -> Bool {
            cursor.optionalObject { cursor, key, count in
                let value: (ok: Bool, value: String?)
                switch count {
                case 4 where bytesEqual(key, count, "name"):
                    value = cursor.optionalString()
                    self.partial.name = value.value
                case 8 where bytesEqual(key, count, "resource"):
                    value = cursor.optionalString()
                    self.partial.resource = value.value
                case 8 where bytesEqual(key, count, "apiGroup"):
                    value = cursor.optionalString()
                    self.partial.apiGroup = value.value
                case 9 where bytesEqual(key, count, "namespace"):
                    value = cursor.optionalString()
                    self.partial.namespace = value.value
                case 11 where bytesEqual(key, count, "subresource"):
                    value = cursor.optionalString()
                    self.partial.subresource = value.value
                default:
                    return cursor.skipValue()
                }
                return value.ok
            }
        }

        /// A list of strings; a value of another type is ignored.
        static func strings(_ cursor: inout JSONCursor, into list: inout [String]) -> Bool {
            cursor.skipSpace()
            guard cursor.index < cursor.bytes.count, cursor.bytes[cursor.index] == 91 else { return cursor.skipValue() }
            guard let strings = cursor.strings() else { return false }
            list = strings
            return true
        }

        /// The raw bytes of an object value (null and other types: none).
        static func raw(_ cursor: inout JSONCursor, into bytes: inout [UInt8]?) -> Bool {
            cursor.skipSpace()
            let start = cursor.index
            guard cursor.skipValue() else { return false }
            if cursor.bytes[start] == 123 { bytes = Array(UnsafeBufferPointer(rebasing: cursor.bytes[start..<cursor.index])) }
            return true
        }
    }
}
