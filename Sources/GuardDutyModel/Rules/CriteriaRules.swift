/// The values criteria take, by the kind of the attribute: how a value is read (a number, epoch milliseconds up to
/// year 9999, "true"/"false") and which tests a kind refuses, with GuardDuty-style wording. `FindingCriteria.terms`
/// checks the shape of criteria; these check their values. The SQL renderer reads values through these functions.
public enum CriteriaRules {
    /// Checks every term's values against its attribute's kind, in order; the first failure is thrown.
    public static func check(_ terms: [CriterionTerm]) throws {
        for term in terms { try Self.check(term) }
    }

    public static func check(_ term: CriterionTerm) throws {
        let path = term.path
        switch FindingAttributeKind.of(path) {
        case .text:
            switch term.test {
            case .equals, .notEquals, .matches, .notMatches: return
            default: throw Self.notOrdered(path)
            }
        case .number:
            switch term.test {
            case .equals(let values), .notEquals(let values): _ = try values.map { try Self.number($0, path: path) }
            case .matches, .notMatches: throw Self.notText(path)
            default: return
            }
        case .timestamp:
            switch term.test {
            case .equals(let values), .notEquals(let values): _ = try values.map { try Self.timestamp($0, path: path) }
            case .greaterThan(let value), .greaterThanOrEqual(let value), .lessThan(let value), .lessThanOrEqual(let value):
                try Self.epochMillis(value, path: path)
            case .matches, .notMatches: throw Self.notText(path)
            }
        case .boolean:
            switch term.test {
            case .equals(let values), .notEquals(let values): _ = try values.map { try Self.flag($0, path: path) }
            default: throw Self.notOrdered(path)
            }
        case .document: return
        }
    }

    public static func number(_ value: String, path: String) throws -> Double {
        guard let number = Double(value) else {
            throw GuardDutyError.badRequest("The request is rejected because '\(value.prefix(40))' is not a number for \(path).")
        }
        return number
    }

    /// Epoch milliseconds from year 1 to 9999: the database's range (a larger value would trap when it is encoded as
    /// microseconds).
    @discardableResult
    public static func epochMillis(_ millis: Int64, path: String) throws -> Int64 {
        guard (-62_135_596_800_000...253_402_300_799_999).contains(millis) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because \(millis) is out of range for \(path): epoch milliseconds up to year 9999."
            )
        }
        return millis
    }

    /// A timestamp written as text in equals/notEquals: epoch milliseconds.
    public static func timestamp(_ value: String, path: String) throws -> Int64 {
        guard let millis = Int64(value) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because '\(value.prefix(40))' is not a timestamp in epoch milliseconds for \(path)."
            )
        }
        return try Self.epochMillis(millis, path: path)
    }

    public static func flag(_ value: String, path: String) throws -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw GuardDutyError.badRequest("The request is rejected because \(path) takes \"true\" or \"false\", not '\(value.prefix(40))'.")
        }
    }

    public static func notOrdered(_ path: String) -> GuardDutyError {
        .badRequest("The request is rejected because \(path) is not a number or a timestamp: use equals or notEquals.")
    }

    public static func notText(_ path: String) -> GuardDutyError {
        .badRequest("The request is rejected because \(path) is not text: matches and notMatches apply to text attributes.")
    }
}
