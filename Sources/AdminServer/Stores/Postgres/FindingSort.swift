import GuardDutyModel
import PostgresNIO

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
        guard let (attribute, descending) = try SortRules.check(criteria) else {
            self = .newestFirst
            return
        }
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
            throw GuardDutyError.badRequest(
                "The request is rejected because the nextToken is not valid: pass the nextToken of the previous response unchanged."
            )
        }
        let value: String
        switch self.kind {
        case .text: value = try builder.bind(parts[0])
        case .number:
            guard let number = Double(parts[0]) else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because the nextToken does not belong to this sort order."
                )
            }
            value = try builder.bind(number)
        case .timestamp:
            guard let micros = Int64(parts[0]) else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because the nextToken does not belong to this sort order."
                )
            }
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
