import Foundation
import GuardDutyModel
import PostgresNIO

/// A SQL text with its bind values, built up piece by piece.
struct SQLBuilder {
    var sql = ""
    var binds = PostgresBindings()

    /// Appends a bind and returns its placeholder (`$n`).
    mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws -> String {
        try self.binds.append(value)
        return "$\(self.binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: self.sql, binds: self.binds) }
}

/// How a criteria attribute is stored: a typed column of `findings`, or only inside the `finding` document.
enum FindingColumn: Equatable {
    case text(String)
    case double(String)
    case integer(String)
    case timestamp(String)
    case boolean(String)
    /// The document holds the value; an indexed column narrows equality tests first.
    case document(indexedBy: String?)

    /// The columns behind the common criteria paths; every other path is looked up in the document.
    static func of(_ path: String) -> FindingColumn {
        switch path {
        case "accountId": return .text("account_id")
        case "region": return .text("region")
        case "id": return .text("finding_id")
        case "type": return .text("type")
        case "severity": return .double("severity")
        case "updatedAt": return .timestamp("updated_at")
        case "createdAt": return .timestamp("created_at")
        case "service.eventFirstSeen": return .timestamp("event_first_seen")
        case "service.eventLastSeen": return .timestamp("event_last_seen")
        case "service.archived": return .boolean("archived")
        case "service.count": return .integer("count")
        case "service.userFeedback": return .text("feedback")
        case "service.additionalInfo.sample": return .boolean("sample")
        case "resource.resourceType": return .text("resource_type")
        case "resource.instanceDetails.instanceId", "resource.accessKeyDetails.accessKeyId": return .document(indexedBy: "resource_id")
        case "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4",
             "service.action.networkConnectionAction.remoteIpDetails.ipAddressV6",
             "service.action.awsApiCallAction.remoteIpDetails.ipAddressV4",
             "service.action.awsApiCallAction.remoteIpDetails.ipAddressV6":
            return .document(indexedBy: "remote_ip")
        default: return .document(indexedBy: nil)
        }
    }
}

/// Renders validated criteria as a SQL condition over `findings` (alias-free), binding every value.
enum FindingQuery {
    /// The jsonpath of an attribute in lax mode: arrays along the way (network interfaces, tags) are searched,
    /// and a list at the end yields its elements.
    static func jsonPath(_ path: String) -> String {
        "lax $" + path.split(separator: ".").map { ".\"\($0)\"" }.joined() + "[*]"
    }

    static func condition(_ terms: [CriterionTerm], into builder: inout SQLBuilder) throws -> String {
        guard !terms.isEmpty else { return "TRUE" }
        return try terms.map { try self.condition($0, into: &builder) }.joined(separator: " AND ")
    }

    static func condition(_ term: CriterionTerm, into builder: inout SQLBuilder) throws -> String {
        let column = FindingColumn.of(term.path)
        switch column {
        case .text(let name):
            switch term.test {
            case .equals(let values): return "\(name) = ANY(\(try builder.bind(values)))"
            case .notEquals(let values): return "(\(name) IS NULL OR \(name) <> ALL(\(try builder.bind(values))))"
            case .matches(let patterns): return "\(name) ~ ANY(\(try builder.bind(patterns.map(FindingAttribute.wildcardRegex))))"
            case .notMatches(let patterns):
                return "(\(name) IS NULL OR NOT (\(name) ~ ANY(\(try builder.bind(patterns.map(FindingAttribute.wildcardRegex))))))"
            default: throw Self.notOrdered(term.path)
            }
        case .double(let name), .integer(let name):
            switch term.test {
            case .equals(let values), .notEquals(let values):
                let numbers = try values.map { value -> Double in
                    guard let number = Double(value) else {
                        throw GuardDutyError.badRequest("The request is rejected because '\(value.prefix(40))' is not a number for \(term.path).")
                    }
                    return number
                }
                let placeholder = try builder.bind(numbers)
                // Severity bands are written as whole numbers ("7", "8"): a value matches the numbers it is the floor of.
                let match = "(\(name)::float8 = ANY(\(placeholder)) OR floor(\(name)::float8) = ANY(\(placeholder)))"
                if case .equals = term.test { return match }
                return "NOT \(match)"
            case .greaterThan(let value): return "\(name) > \(try builder.bind(Double(value)))"
            case .greaterThanOrEqual(let value): return "\(name) >= \(try builder.bind(Double(value)))"
            case .lessThan(let value): return "\(name) < \(try builder.bind(Double(value)))"
            case .lessThanOrEqual(let value): return "\(name) <= \(try builder.bind(Double(value)))"
            case .matches, .notMatches: throw Self.notText(term.path)
            }
        case .timestamp(let name):
            // Epoch milliseconds from year 1 to 9999: PostgreSQL's and PostgresNIO's range (a larger value would trap
            // when it is encoded as microseconds).
            func date(_ millis: Int64) throws -> Date {
                guard (-62_135_596_800_000...253_402_300_799_999).contains(millis) else {
                    throw GuardDutyError.badRequest("The request is rejected because \(millis) is out of range for \(term.path): epoch milliseconds up to year 9999.")
                }
                return Date(timeIntervalSince1970: Double(millis) / 1000)
            }
            switch term.test {
            case .equals(let values), .notEquals(let values):
                let dates = try values.map { value -> Date in
                    guard let millis = Int64(value) else {
                        throw GuardDutyError.badRequest(
                            "The request is rejected because '\(value.prefix(40))' is not a timestamp in epoch milliseconds for \(term.path)."
                        )
                    }
                    return try date(millis)
                }
                let match = "date_trunc('milliseconds', \(name)) = ANY(\(try builder.bind(dates)))"
                if case .equals = term.test { return match }
                return "(\(name) IS NULL OR NOT \(match))"
            case .greaterThan(let value): return "\(name) > \(try builder.bind(try date(value)))"
            case .greaterThanOrEqual(let value): return "\(name) >= \(try builder.bind(try date(value)))"
            case .lessThan(let value): return "\(name) < \(try builder.bind(try date(value)))"
            case .lessThanOrEqual(let value): return "\(name) <= \(try builder.bind(try date(value)))"
            case .matches, .notMatches: throw Self.notText(term.path)
            }
        case .boolean(let name):
            switch term.test {
            case .equals(let values), .notEquals(let values):
                let flags = try values.map { value -> Bool in
                    switch value.lowercased() {
                    case "true": return true
                    case "false": return false
                    default:
                        throw GuardDutyError.badRequest("The request is rejected because \(term.path) takes \"true\" or \"false\", not '\(value.prefix(40))'.")
                    }
                }
                // One value is written literally (it is a parsed Bool, not input text), so the planner can use the
                // partial indexes on `NOT archived`.
                let match = Set(flags).count == 1 ? (flags[0] ? name : "NOT \(name)") : "\(name) = ANY(\(try builder.bind(flags)))"
                if case .equals = term.test { return match }
                return "NOT (\(match))"
            default: throw Self.notOrdered(term.path)
            }
        case .document(let indexed):
            let path = try builder.bind(Self.jsonPath(term.path))
            func exists(_ predicate: String) -> String {
                "EXISTS (SELECT 1 FROM jsonb_path_query(finding, \(path)::jsonpath) AS v WHERE \(predicate))"
            }
            let text = "(v #>> '{}')"
            let number = "(CASE WHEN jsonb_typeof(v) = 'number' THEN (v #>> '{}')::float8 END)"
            switch term.test {
            case .equals(let values):
                let placeholder = try builder.bind(values)
                let test = exists("\(text) = ANY(\(placeholder))")
                if let indexed { return "(\(indexed) = ANY(\(placeholder)) AND \(test))" }
                return test
            case .notEquals(let values): return "NOT " + exists("\(text) = ANY(\(try builder.bind(values)))")
            case .greaterThan(let value): return exists("\(number) > \(try builder.bind(Double(value)))")
            case .greaterThanOrEqual(let value): return exists("\(number) >= \(try builder.bind(Double(value)))")
            case .lessThan(let value): return exists("\(number) < \(try builder.bind(Double(value)))")
            case .lessThanOrEqual(let value): return exists("\(number) <= \(try builder.bind(Double(value)))")
            case .matches(let patterns): return exists("\(text) ~ ANY(\(try builder.bind(patterns.map(FindingAttribute.wildcardRegex))))")
            case .notMatches(let patterns):
                return "NOT " + exists("\(text) ~ ANY(\(try builder.bind(patterns.map(FindingAttribute.wildcardRegex))))")
            }
        }
    }

    static func notOrdered(_ path: String) -> GuardDutyError {
        .badRequest("The request is rejected because \(path) is not a number or a timestamp: use equals or notEquals.")
    }

    static func notText(_ path: String) -> GuardDutyError {
        .badRequest("The request is rejected because \(path) is not text: matches and notMatches apply to text attributes.")
    }
}

/// The order of a listing: an expression over `findings`, its kind (for the page token), and the direction.
struct FindingSort {
    enum Kind { case text, number, timestamp }
    var expression: String
    var kind: Kind
    var descending: Bool

    /// GuardDuty's consoles list newest first; that is the default here too.
    static let newestFirst = FindingSort(expression: "updated_at", kind: .timestamp, descending: true)

    init(expression: String, kind: Kind, descending: Bool) {
        self.expression = expression
        self.kind = kind
        self.descending = descending
    }

    init(_ criteria: SortCriteria?) throws {
        guard let criteria, criteria.attributeName != nil || criteria.orderBy != nil else {
            self = .newestFirst
            return
        }
        let descending: Bool
        switch criteria.orderBy ?? "ASC" {
        case "ASC": descending = false
        case "DESC": descending = true
        default:
            throw GuardDutyError.badRequest("The request is rejected because orderBy '\((criteria.orderBy ?? "").prefix(20))' is not ASC or DESC.")
        }
        let attribute = criteria.attributeName ?? "updatedAt"
        try FindingAttribute.validatePath(attribute)
        switch FindingColumn.of(attribute) {
        case .text(let name): self.init(expression: "coalesce(\(name), '')", kind: .text, descending: descending)
        case .double(let name), .integer(let name): self.init(expression: "\(name)::float8", kind: .number, descending: descending)
        case .timestamp(let name):
            // updated_at and created_at are never NULL: sorting on the bare column lets the listing walk its index.
            let expression = ["updated_at", "created_at"].contains(name) ? name : "coalesce(\(name), 'epoch'::timestamptz)"
            self.init(expression: expression, kind: .timestamp, descending: descending)
        case .boolean(let name): self.init(expression: "\(name)::text", kind: .text, descending: descending)
        case .document:
            let pointer = attribute.split(separator: ".").joined(separator: ",")
            // A JSON number sorts as a number, anything else as its text.
            if ["severity", "confidence"].contains(attribute) || attribute.hasSuffix(".port") || attribute.hasSuffix("Count") {
                self.init(expression: "coalesce((finding #>> '{\(pointer)}')::float8, -1)", kind: .number, descending: descending)
            } else {
                self.init(expression: "coalesce(finding #>> '{\(pointer)}', '')", kind: .text, descending: descending)
            }
        }
    }

    /// The expression as text for page tokens (timestamps as epoch microseconds, exact).
    var tokenExpression: String {
        switch self.kind {
        case .text: return self.expression
        case .number: return "(\(self.expression))::text"
        case .timestamp: return "(extract(epoch from \(self.expression)) * 1000000)::bigint::text"
        }
    }

    /// `(sort, account_id, finding_id) >/< (last row)` for keyset paging.
    func after(_ token: String, into builder: inout SQLBuilder) throws -> String {
        let parts = token.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
            throw GuardDutyError.badRequest("The request is rejected because the nextToken is not valid: pass the nextToken of the previous response unchanged.")
        }
        let value: String
        switch self.kind {
        case .text: value = try builder.bind(parts[0])
        case .number:
            guard let number = Double(parts[0]) else { throw GuardDutyError.badRequest("The request is rejected because the nextToken does not belong to this sort order.") }
            value = try builder.bind(number)
        case .timestamp:
            guard let micros = Int64(parts[0]) else { throw GuardDutyError.badRequest("The request is rejected because the nextToken does not belong to this sort order.") }
            guard (-62_135_596_800_000_000...253_402_300_799_999_999).contains(micros) else {
                throw GuardDutyError.badRequest("The request is rejected because the nextToken does not belong to this sort order.")
            }
            value = "to_timestamp(\(try builder.bind(Double(micros) / 1_000_000)))"
        }
        let comparison = self.descending ? "<" : ">"
        return "(\(self.expression), account_id, finding_id) \(comparison) (\(value), \(try builder.bind(parts[1])), \(try builder.bind(parts[2])))"
    }

    var orderBy: String {
        let direction = self.descending ? "DESC" : "ASC"
        return "\(self.expression) \(direction), account_id \(direction), finding_id \(direction)"
    }
}
