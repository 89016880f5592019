import Foundation

/// Reads an agent's findings batch (`{"detectorId": …, "findings": [ … ]}`) in one pass over its bytes: checks that
/// the whole body is strict JSON, and takes from each finding only what ingest needs (`FindingHeader`) and where its
/// bytes lie, which become its stored document. No `Finding` is built: decoding 500 of them with `JSONDecoder` was
/// about 85 % of the server's ingest work, and members the reader does not name are carried in the document as sent.
///
/// Refused (a `GuardDutyError.badRequest`, so nothing of the batch is stored): anything that is not RFC 8259 JSON
/// (bad literals or numbers, raw control characters, bad escapes or lone surrogates, invalid UTF-8, trailing bytes),
/// nesting deeper than 64, an object that names a key twice or writes a key with escapes (the stored document must say
/// what was read: PostgreSQL's jsonb keeps a repeated key's last value), a finding that lacks a member `Finding`
/// requires at its top level or in `resource`, `service` and `service.action`, and a member read here of the wrong
/// JSON kind.
public struct FindingBatchReader {
    public let detectorId: String
    /// What ingest reads of each finding, in the order sent.
    public let findings: [FindingHeader]
    /// The byte range of each finding in the body, in the same order.
    public let documents: [Range<Int>]

    public init(_ body: [UInt8]) throws {
        var scanner = Scanner()
        try body.withUnsafeBufferPointer { buffer in
            scanner.buffer = buffer
            try scanner.batch()
        }
        guard let detectorId = scanner.detectorId else { throw Scanner.refuse("has no detectorId") }
        guard scanner.sawFindings else { throw Scanner.refuse("has no findings array") }
        self.detectorId = detectorId
        self.findings = scanner.findings
        self.documents = scanner.documents
    }

    /// Where a value sits in a finding: the objects and arrays whose members are read, and `other` for the rest,
    /// which is only checked to be JSON.
    enum Node {
        case batch, findings, finding, resource, instanceDetails, accessKeyDetails, buckets, firstBucket, eksCluster
        case service, action, connection, connectionRemote, apiCall, apiCallRemote, probeAction, probes, firstProbe, probeRemote
        case kubernetesCall, kubernetesRemote
        case additionalInfo, other
    }

    /// A member that is read.
    enum Field {
        case batchDetectorId
        case accountId, arn, createdAt, description, id, partition, region, schemaVersion, severity, title, type, updatedAt
        case resourceType, instanceId, accessKeyId, bucketName, clusterName, actionType
        case connectionV4, connectionV6, apiCallV4, apiCallV6, probeV4, probeV6, kubernetesV4, kubernetesV6
        case archived, count, detectorId, eventFirstSeen, eventLastSeen, resourceRole, serviceName, infoValue, userFeedback
    }

    /// What a member of an object is to the reader.
    enum Target {
        case node(Node, optional: Bool)
        case field(Field)
        case skip
    }

    /// The members of the finding being read.
    struct Draft {
        var accountId: String?
        var arn: String?
        var createdAt: String?
        var id: String?
        var region: String?
        var type: String?
        var updatedAt: String?
        var resourceType: String?
        var detectorId: String?
        var eventFirstSeen: String?
        var eventLastSeen: String?
        var instanceId: String?
        var accessKeyId: String?
        var bucketName: String?
        var severity: Double?
        var count: Int?
        var archived: Bool?
        var titleBytes: Int?
        var descriptionBytes: Int?
        var hasPartition = false
        var hasSchemaVersion = false
        var hasResource = false
        var hasService = false
        var hasAction = false
        var hasActionType = false
        var hasResourceRole = false
        var hasServiceName = false
        var hasUserFeedback = false
        var sample = false
        /// The remote address details of a network connection, an API call and the first port probe.
        var connectionRemote = RemoteDetails()
        var apiCallRemote = RemoteDetails()
        var kubernetesRemote = RemoteDetails()
        var clusterName: String?
        var probeRemote = RemoteDetails()

        func header(index: Int) throws -> FindingHeader {
            func lacks(_ member: String) -> GuardDutyError {
                Scanner.refuse("has finding \(index) (\((self.id ?? "").prefix(64))) without \(member)")
            }
            guard let accountId else { throw lacks("accountId") }
            guard let arn else { throw lacks("arn") }
            guard let createdAt else { throw lacks("createdAt") }
            guard let descriptionBytes else { throw lacks("description") }
            guard let id else { throw lacks("id") }
            guard self.hasPartition else { throw lacks("partition") }
            guard let region else { throw lacks("region") }
            guard self.hasResource else { throw lacks("resource") }
            guard let resourceType else { throw lacks("resource.resourceType") }
            guard self.hasSchemaVersion else { throw lacks("schemaVersion") }
            guard self.hasService else { throw lacks("service") }
            guard self.hasAction else { throw lacks("service.action") }
            guard self.hasActionType else { throw lacks("service.action.actionType") }
            guard let archived else { throw lacks("service.archived") }
            guard let count else { throw lacks("service.count") }
            guard let detectorId else { throw lacks("service.detectorId") }
            guard let eventFirstSeen else { throw lacks("service.eventFirstSeen") }
            guard let eventLastSeen else { throw lacks("service.eventLastSeen") }
            guard self.hasResourceRole else { throw lacks("service.resourceRole") }
            guard self.hasServiceName else { throw lacks("service.serviceName") }
            guard let severity else { throw lacks("severity") }
            guard let titleBytes else { throw lacks("title") }
            guard let type else { throw lacks("type") }
            guard let updatedAt else { throw lacks("updatedAt") }
            // As `Finding`'s header: the first details object present (even one without an address) is the one read.
            let remote: RemoteDetails? =
                self.connectionRemote.seen
                ? self.connectionRemote
                : self.apiCallRemote.seen
                    ? self.apiCallRemote
                    : self.probeRemote.seen ? self.probeRemote : self.kubernetesRemote.seen ? self.kubernetesRemote : nil
            return FindingHeader(
                id: id, accountId: accountId, region: region, arn: arn, type: type, severity: severity, createdAt: createdAt,
                updatedAt: updatedAt, detectorId: detectorId, count: count, eventFirstSeen: eventFirstSeen, eventLastSeen: eventLastSeen,
                resourceType: resourceType, resourceId: self.instanceId ?? self.accessKeyId ?? self.bucketName ?? self.clusterName,
                remoteIP: remote.flatMap { $0.v4 ?? $0.v6 }, archived: archived,
                hasUserFeedback: self.hasUserFeedback, sample: self.sample, titleBytes: titleBytes, descriptionBytes: descriptionBytes
            )
        }
    }

    /// A `remoteIpDetails` object of a finding: whether it is there, and its addresses.
    struct RemoteDetails {
        var seen = false
        var v4: String?
        var v6: String?
    }

    /// The single pass. Recursion is bounded by `maxDepth`.
    struct Scanner {
        static let maxDepth = 64
        /// Keys an object may have before its keys are checked for repeats by sorting instead of pairwise.
        static let pairwiseKeys = 32

        var buffer = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var position = 0
        /// The keys of the objects being read, innermost last (one array for every level, so no allocation per object).
        var keys: [Range<Int>] = []
        var detectorId: String?
        var sawFindings = false
        var findings: [FindingHeader] = []
        var documents: [Range<Int>] = []
        var draft = Draft()

        static func refuse(_ why: String) -> GuardDutyError {
            .badRequest("The request is rejected because the findings batch \(why). Nothing in the batch was stored.")
        }

        mutating func batch() throws {
            self.skipSpace()
            guard self.position < self.buffer.count, self.buffer[self.position] == UInt8(ascii: "{") else {
                throw Self.refuse("is not a JSON object")
            }
            try self.object(depth: 1, node: .batch)
            self.skipSpace()
            guard self.position == self.buffer.count else { throw Self.refuse("has bytes after its JSON object") }
        }

        @inline(__always) mutating func skipSpace() {
            while self.position < self.buffer.count {
                let byte = self.buffer[self.position]
                guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
                self.position += 1
            }
        }

        // MARK: structure

        /// Any value, only checked (`node` is what an object or array there is to the reader).
        mutating func value(depth: Int, node: Node = .other) throws {
            guard self.position < self.buffer.count else { throw Self.refuse("ends early") }
            switch self.buffer[self.position] {
            case UInt8(ascii: "{"): try self.object(depth: depth + 1, node: node)
            case UInt8(ascii: "["): try self.array(depth: depth + 1, node: node)
            case UInt8(ascii: "\""): _ = try self.string()
            case UInt8(ascii: "t"): try self.literal("true")
            case UInt8(ascii: "f"): try self.literal("false")
            case UInt8(ascii: "n"): try self.literal("null")
            default: _ = try self.number()
            }
        }

        mutating func object(depth: Int, node: Node) throws {
            guard depth <= Self.maxDepth else { throw Self.refuse("nests deeper than \(Self.maxDepth) levels") }
            let firstKey = self.keys.count
            defer { self.keys.removeSubrange(firstKey...) }
            self.position += 1
            self.skipSpace()
            if self.position < self.buffer.count, self.buffer[self.position] == UInt8(ascii: "}") {
                self.position += 1
                return
            }
            while true {
                guard self.position < self.buffer.count, self.buffer[self.position] == UInt8(ascii: "\"") else {
                    throw Self.refuse("is not JSON (an object key is not a string)")
                }
                let (key, escaped) = try self.string()
                guard !escaped else { throw Self.refuse("writes an object key with escapes") }
                if self.keys.count - firstKey < Self.pairwiseKeys {
                    for earlier in self.keys[firstKey...] where self.same(earlier, key) { throw self.repeated(key) }
                }
                self.keys.append(key)
                self.skipSpace()
                guard self.position < self.buffer.count, self.buffer[self.position] == UInt8(ascii: ":") else {
                    throw Self.refuse("is not JSON (a key without a value)")
                }
                self.position += 1
                self.skipSpace()
                switch node == .other ? .skip : self.target(node, key) {
                case .skip: try self.value(depth: depth)
                case .field(let field): try self.field(field, depth: depth, key: key)
                case .node(let child, let optional): try self.child(child, optional: optional, depth: depth, key: key)
                }
                if try self.more(closedBy: UInt8(ascii: "}"), "an object") { continue }
                if self.keys.count - firstKey > Self.pairwiseKeys {
                    let sorted = self.keys[firstKey...].sorted { self.less($0, $1) }
                    for index in sorted.indices.dropFirst() where self.same(sorted[index - 1], sorted[index]) {
                        throw self.repeated(sorted[index])
                    }
                }
                return
            }
        }

        mutating func array(depth: Int, node: Node) throws {
            guard depth <= Self.maxDepth else { throw Self.refuse("nests deeper than \(Self.maxDepth) levels") }
            self.position += 1
            self.skipSpace()
            if self.position < self.buffer.count, self.buffer[self.position] == UInt8(ascii: "]") {
                self.position += 1
                return
            }
            var index = 0
            while true {
                let start = self.position
                switch node {
                case .findings:
                    guard self.position < self.buffer.count, self.buffer[self.position] == UInt8(ascii: "{") else {
                        throw Self.refuse("has finding \(index), which is not a JSON object")
                    }
                    self.draft = Draft()
                    try self.object(depth: depth + 1, node: .finding)
                    self.findings.append(try self.draft.header(index: index))
                    self.documents.append(start..<self.position)
                case .buckets where index == 0: try self.child(.firstBucket, optional: true, depth: depth, key: nil)
                case .probes where index == 0: try self.child(.firstProbe, optional: false, depth: depth, key: nil)
                default: try self.value(depth: depth)
                }
                index += 1
                if try self.more(closedBy: UInt8(ascii: "]"), "an array") { continue }
                return
            }
        }

        /// After a member or an element: true when a `,` says another follows (the reader then stands on the next one), false
        /// when `close` ends the container (the reader then stands past it).
        mutating func more(closedBy close: UInt8, _ container: String) throws -> Bool {
            self.skipSpace()
            guard self.position < self.buffer.count else { throw Self.refuse("ends early") }
            if self.buffer[self.position] == UInt8(ascii: ",") {
                self.position += 1
                self.skipSpace()
                return true
            }
            guard self.buffer[self.position] == close else { throw Self.refuse("is not JSON (\(container) is not closed)") }
            self.position += 1
            return false
        }

        /// An object or array whose members are read; null where it is optional counts as absent.
        mutating func child(_ node: Node, optional: Bool, depth: Int, key: Range<Int>?) throws {
            let isArray = node == .findings || node == .buckets || node == .probes
            let opening = isArray ? UInt8(ascii: "[") : UInt8(ascii: "{")
            guard self.position < self.buffer.count else { throw Self.refuse("ends early") }
            if self.buffer[self.position] == opening {
                switch node {
                case .findings: self.sawFindings = true
                case .resource: self.draft.hasResource = true
                case .service: self.draft.hasService = true
                case .action: self.draft.hasAction = true
                case .connectionRemote: self.draft.connectionRemote.seen = true
                case .apiCallRemote: self.draft.apiCallRemote.seen = true
                case .probeRemote: self.draft.probeRemote.seen = true
                case .kubernetesRemote: self.draft.kubernetesRemote.seen = true
                default: break
                }
                if isArray { try self.array(depth: depth + 1, node: node) } else { try self.object(depth: depth + 1, node: node) }
                return
            }
            if optional, self.buffer[self.position] == UInt8(ascii: "n") {
                try self.literal("null")
                return
            }
            throw self.wrongKind(key, isArray ? "an array" : "an object")
        }

        /// A member that is read: a string, number or boolean of the kind `Finding` declares.
        mutating func field(_ field: Field, depth: Int, key: Range<Int>) throws {
            guard self.position < self.buffer.count else { throw Self.refuse("ends early") }
            let byte = self.buffer[self.position]
            switch field {
            case .severity:
                guard byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) else { throw self.wrongKind(key, "a number") }
                let range = try self.number()
                self.draft.severity = Double(String(decoding: UnsafeBufferPointer(rebasing: self.buffer[range]), as: UTF8.self))
            case .count:
                guard byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) else { throw self.wrongKind(key, "a number") }
                let range = try self.number()
                guard range.count <= 18, let count = Int(String(decoding: UnsafeBufferPointer(rebasing: self.buffer[range]), as: UTF8.self)) else {
                    throw self.wrongKind(key, "a whole number of at most 18 digits")
                }
                self.draft.count = count
            case .archived:
                if byte == UInt8(ascii: "t") {
                    try self.literal("true")
                    self.draft.archived = true
                } else if byte == UInt8(ascii: "f") {
                    try self.literal("false")
                    self.draft.archived = false
                } else {
                    throw self.wrongKind(key, "true or false")
                }
            default:
                if byte == UInt8(ascii: "n"), Self.isOptional(field) {
                    try self.literal("null")
                    return
                }
                guard byte == UInt8(ascii: "\"") else { throw self.wrongKind(key, "a string") }
                let (range, escaped) = try self.string()
                try self.store(field, range: range, escaped: escaped)
            }
        }

        static func isOptional(_ field: Field) -> Bool {
            switch field {
            case .instanceId, .accessKeyId, .bucketName, .clusterName, .connectionV4, .connectionV6, .apiCallV4, .apiCallV6, .probeV4, .probeV6,
                .kubernetesV4, .kubernetesV6, .userFeedback:
                return true
            default:
                return false
            }
        }

        mutating func store(_ field: Field, range: Range<Int>, escaped: Bool) throws {
            switch field {
            case .batchDetectorId: self.detectorId = self.text(range, escaped)
            case .accountId: self.draft.accountId = self.text(range, escaped)
            case .arn: self.draft.arn = self.text(range, escaped)
            case .createdAt: self.draft.createdAt = self.text(range, escaped)
            case .description: self.draft.descriptionBytes = escaped ? self.text(range, escaped).utf8.count : range.count
            case .id: self.draft.id = self.text(range, escaped)
            case .partition: self.draft.hasPartition = true
            case .region: self.draft.region = self.text(range, escaped)
            case .schemaVersion: self.draft.hasSchemaVersion = true
            case .title: self.draft.titleBytes = escaped ? self.text(range, escaped).utf8.count : range.count
            case .type: self.draft.type = self.text(range, escaped)
            case .updatedAt: self.draft.updatedAt = self.text(range, escaped)
            case .resourceType: self.draft.resourceType = self.text(range, escaped)
            case .instanceId: self.draft.instanceId = self.text(range, escaped)
            case .accessKeyId: self.draft.accessKeyId = self.text(range, escaped)
            case .bucketName: self.draft.bucketName = self.text(range, escaped)
            case .clusterName: self.draft.clusterName = self.text(range, escaped)
            case .kubernetesV4: self.draft.kubernetesRemote.v4 = self.text(range, escaped)
            case .kubernetesV6: self.draft.kubernetesRemote.v6 = self.text(range, escaped)
            case .actionType: self.draft.hasActionType = true
            case .connectionV4: self.draft.connectionRemote.v4 = self.text(range, escaped)
            case .connectionV6: self.draft.connectionRemote.v6 = self.text(range, escaped)
            case .apiCallV4: self.draft.apiCallRemote.v4 = self.text(range, escaped)
            case .apiCallV6: self.draft.apiCallRemote.v6 = self.text(range, escaped)
            case .probeV4: self.draft.probeRemote.v4 = self.text(range, escaped)
            case .probeV6: self.draft.probeRemote.v6 = self.text(range, escaped)
            case .detectorId: self.draft.detectorId = self.text(range, escaped)
            case .eventFirstSeen: self.draft.eventFirstSeen = self.text(range, escaped)
            case .eventLastSeen: self.draft.eventLastSeen = self.text(range, escaped)
            case .resourceRole: self.draft.hasResourceRole = true
            case .serviceName: self.draft.hasServiceName = true
            case .infoValue: self.draft.sample = self.text(range, escaped).contains(#""sample":true"#)
            case .userFeedback: self.draft.hasUserFeedback = true
            case .severity, .count, .archived: break
            }
        }

        /// What member `key` of an object at `node` is to the reader.
        func target(_ node: Node, _ key: Range<Int>) -> Target {
            switch node {
            case .batch:
                if self.key(key, is: "detectorId") { return .field(.batchDetectorId) }
                if self.key(key, is: "findings") { return .node(.findings, optional: false) }
            case .finding:
                switch key.count {
                case 2: if self.key(key, is: "id") { return .field(.id) }
                case 3: if self.key(key, is: "arn") { return .field(.arn) }
                case 4:
                    if self.key(key, is: "type") { return .field(.type) }
                case 5: if self.key(key, is: "title") { return .field(.title) }
                case 6: if self.key(key, is: "region") { return .field(.region) }
                case 7: if self.key(key, is: "service") { return .node(.service, optional: false) }
                case 8:
                    if self.key(key, is: "resource") { return .node(.resource, optional: false) }
                    if self.key(key, is: "severity") { return .field(.severity) }
                case 9:
                    if self.key(key, is: "accountId") { return .field(.accountId) }
                    if self.key(key, is: "createdAt") { return .field(.createdAt) }
                    if self.key(key, is: "partition") { return .field(.partition) }
                    if self.key(key, is: "updatedAt") { return .field(.updatedAt) }
                case 11: if self.key(key, is: "description") { return .field(.description) }
                case 13: if self.key(key, is: "schemaVersion") { return .field(.schemaVersion) }
                default: break
                }
            case .resource:
                if self.key(key, is: "resourceType") { return .field(.resourceType) }
                if self.key(key, is: "instanceDetails") { return .node(.instanceDetails, optional: true) }
                if self.key(key, is: "accessKeyDetails") { return .node(.accessKeyDetails, optional: true) }
                if self.key(key, is: "s3BucketDetails") { return .node(.buckets, optional: true) }
                if self.key(key, is: "eksClusterDetails") { return .node(.eksCluster, optional: true) }
            case .instanceDetails: if self.key(key, is: "instanceId") { return .field(.instanceId) }
            case .accessKeyDetails: if self.key(key, is: "accessKeyId") { return .field(.accessKeyId) }
            case .firstBucket: if self.key(key, is: "name") { return .field(.bucketName) }
            case .eksCluster: if self.key(key, is: "name") { return .field(.clusterName) }
            case .service:
                switch key.count {
                case 5:
                    if self.key(key, is: "count") { return .field(.count) }
                case 6: if self.key(key, is: "action") { return .node(.action, optional: false) }
                case 8: if self.key(key, is: "archived") { return .field(.archived) }
                case 10: if self.key(key, is: "detectorId") { return .field(.detectorId) }
                case 11: if self.key(key, is: "serviceName") { return .field(.serviceName) }
                case 12:
                    if self.key(key, is: "resourceRole") { return .field(.resourceRole) }
                    if self.key(key, is: "userFeedback") { return .field(.userFeedback) }
                case 13: if self.key(key, is: "eventLastSeen") { return .field(.eventLastSeen) }
                case 14:
                    if self.key(key, is: "eventFirstSeen") { return .field(.eventFirstSeen) }
                    if self.key(key, is: "additionalInfo") { return .node(.additionalInfo, optional: true) }
                default: break
                }
            case .action:
                if self.key(key, is: "actionType") { return .field(.actionType) }
                if self.key(key, is: "networkConnectionAction") { return .node(.connection, optional: true) }
                if self.key(key, is: "awsApiCallAction") { return .node(.apiCall, optional: true) }
                if self.key(key, is: "portProbeAction") { return .node(.probeAction, optional: true) }
                if self.key(key, is: "kubernetesApiCallAction") { return .node(.kubernetesCall, optional: true) }
            case .kubernetesCall: if self.key(key, is: "remoteIpDetails") { return .node(.kubernetesRemote, optional: true) }
            case .kubernetesRemote:
                if self.key(key, is: "ipAddressV4") { return .field(.kubernetesV4) }
                if self.key(key, is: "ipAddressV6") { return .field(.kubernetesV6) }
            case .connection: if self.key(key, is: "remoteIpDetails") { return .node(.connectionRemote, optional: true) }
            case .apiCall: if self.key(key, is: "remoteIpDetails") { return .node(.apiCallRemote, optional: true) }
            case .probeAction: if self.key(key, is: "portProbeDetails") { return .node(.probes, optional: false) }
            case .firstProbe: if self.key(key, is: "remoteIpDetails") { return .node(.probeRemote, optional: false) }
            case .connectionRemote:
                if self.key(key, is: "ipAddressV4") { return .field(.connectionV4) }
                if self.key(key, is: "ipAddressV6") { return .field(.connectionV6) }
            case .apiCallRemote:
                if self.key(key, is: "ipAddressV4") { return .field(.apiCallV4) }
                if self.key(key, is: "ipAddressV6") { return .field(.apiCallV6) }
            case .probeRemote:
                if self.key(key, is: "ipAddressV4") { return .field(.probeV4) }
                if self.key(key, is: "ipAddressV6") { return .field(.probeV6) }
            case .additionalInfo: if self.key(key, is: "value") { return .field(.infoValue) }
            case .findings, .buckets, .probes, .other: break
            }
            return .skip
        }

        @inline(__always) func key(_ key: Range<Int>, is name: StaticString) -> Bool {
            key.count == name.utf8CodeUnitCount && memcmp(self.buffer.baseAddress! + key.lowerBound, name.utf8Start, key.count) == 0
        }

        func same(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            a.count == b.count && memcmp(self.buffer.baseAddress! + a.lowerBound, self.buffer.baseAddress! + b.lowerBound, a.count) == 0
        }

        func less(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            if a.count != b.count { return a.count < b.count }
            return memcmp(self.buffer.baseAddress! + a.lowerBound, self.buffer.baseAddress! + b.lowerBound, a.count) < 0
        }

        func repeated(_ key: Range<Int>) -> GuardDutyError {
            Self.refuse("names key '\(String(decoding: self.buffer[key].prefix(40), as: UTF8.self))' twice in one object")
        }

        func wrongKind(_ key: Range<Int>?, _ kind: String) -> GuardDutyError {
            let name = key.map { String(decoding: self.buffer[$0].prefix(40), as: UTF8.self) } ?? "an array element"
            return Self.refuse("has '\(name)' at byte \(self.position), which is not \(kind)")
        }

        // MARK: scalars

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard self.position + count <= self.buffer.count, memcmp(self.buffer.baseAddress! + self.position, word.utf8Start, count) == 0 else {
                throw Self.refuse("is not JSON (a bad literal at byte \(self.position))")
            }
            self.position += count
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; answers its range.
        mutating func number() throws -> Range<Int> {
            let start = self.position
            func bad() -> GuardDutyError { Scanner.refuse("is not JSON (a bad value at byte \(start))") }
            if self.position < self.buffer.count, self.buffer[self.position] == UInt8(ascii: "-") { self.position += 1 }
            guard self.position < self.buffer.count, self.isDigit(self.buffer[self.position]) else { throw bad() }
            if self.buffer[self.position] == UInt8(ascii: "0") {
                self.position += 1
            } else {
                self.digits()
            }
            if self.position < self.buffer.count, self.buffer[self.position] == UInt8(ascii: ".") {
                self.position += 1
                guard self.position < self.buffer.count, self.isDigit(self.buffer[self.position]) else { throw bad() }
                self.digits()
            }
            if self.position < self.buffer.count, self.buffer[self.position] | 0x20 == UInt8(ascii: "e") {
                self.position += 1
                if self.position < self.buffer.count,
                    self.buffer[self.position] == UInt8(ascii: "+") || self.buffer[self.position] == UInt8(ascii: "-")
                {
                    self.position += 1
                }
                guard self.position < self.buffer.count, self.isDigit(self.buffer[self.position]) else { throw bad() }
                self.digits()
            }
            return start..<self.position
        }

        @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        @inline(__always) mutating func digits() {
            while self.position < self.buffer.count, self.isDigit(self.buffer[self.position]) { self.position += 1 }
        }

        /// A string at `position` (its opening quote), checked: no raw control character, only JSON's escapes, `\u`
        /// surrogates in pairs, valid UTF-8. Answers the range between the quotes and whether it holds an escape.
        mutating func string() throws -> (Range<Int>, escaped: Bool) {
            let start = self.position + 1
            var index = start
            var escaped = false
            let count = self.buffer.count
            while index < count {
                let byte = self.buffer[index]
                if byte == UInt8(ascii: "\"") {
                    self.position = index + 1
                    return (start..<index, escaped)
                }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index = try self.escape(at: index)
                } else if byte < 0x20 {
                    throw Self.refuse("holds a control character in a string at byte \(index)")
                } else if byte < 0x80 {
                    index += 1
                } else {
                    index = try self.scalar(at: index)
                }
            }
            throw Self.refuse("ends inside a string")
        }

        /// The escape at `index` (its backslash); answers the index after it.
        func escape(at index: Int) throws -> Int {
            guard index + 1 < self.buffer.count else { throw Self.refuse("ends inside a string") }
            switch self.buffer[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                UInt8(ascii: "r"), UInt8(ascii: "t"):
                return index + 2
            case UInt8(ascii: "u"):
                let unit = try self.hex4(at: index + 2)
                if unit >= 0xDC00, unit <= 0xDFFF { throw Self.refuse("holds a lone low surrogate escape at byte \(index)") }
                guard unit >= 0xD800, unit <= 0xDBFF else { return index + 6 }
                guard index + 7 < self.buffer.count, self.buffer[index + 6] == UInt8(ascii: "\\"), self.buffer[index + 7] == UInt8(ascii: "u"),
                    (0xDC00...0xDFFF).contains(try self.hex4(at: index + 8))
                else {
                    throw Self.refuse("holds a high surrogate escape without its low surrogate at byte \(index)")
                }
                return index + 12
            default:
                throw Self.refuse("holds an invalid escape in a string at byte \(index)")
            }
        }

        func hex4(at index: Int) throws -> UInt32 {
            guard index + 4 <= self.buffer.count else { throw Self.refuse("ends inside a string") }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = self.buffer[index + offset]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw Self.refuse("holds a bad \\u escape at byte \(index - 2)")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// A multi-byte UTF-8 sequence at `index` (its lead byte), checked as Unicode's table 3-7; answers the index
        /// after it.
        func scalar(at index: Int) throws -> Int {
            let lead = self.buffer[index]
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: throw Self.refuse("is not valid UTF-8 at byte \(index)")
            }
            guard index + length <= self.buffer.count else { throw Self.refuse("is not valid UTF-8 at byte \(index)") }
            let second = self.buffer[index + 1]
            guard second >= low, second <= high else { throw Self.refuse("is not valid UTF-8 at byte \(index)") }
            for offset in 2..<length where self.buffer[index + offset] & 0xC0 != 0x80 {
                throw Self.refuse("is not valid UTF-8 at byte \(index)")
            }
            return index + length
        }

        /// A checked string's text.
        func text(_ range: Range<Int>, _ escaped: Bool) -> String {
            let bytes = UnsafeBufferPointer(rebasing: self.buffer[range])
            guard escaped else { return String(decoding: bytes, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    index += 1
                    continue
                }
                let kind = bytes[index + 1]
                index += 2
                switch kind {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = Self.hex(bytes, index)
                    index += 4
                    if scalar >= 0xD800, scalar <= 0xDBFF {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (Self.hex(bytes, index + 2) - 0xDC00)
                        index += 6
                    }
                    out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default: out.append(kind)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// Four hex digits already checked by `hex4`.
        static func hex(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = bytes[index + offset]
                value = value << 4 | UInt32(byte <= 0x39 ? byte - 0x30 : (byte | 0x20) - 0x61 + 10)
            }
            return value
        }
    }
}
