import Foundation
import GuardDutyModel
import PostgresNIO

/// The one builder of dynamic finding SQL: renders validated criteria as a condition over `findings` (alias-free),
/// binding every value (only column names and operators are written into the text). Values are read by the core's
/// `CriteriaRules`, so a value the core refuses is refused here with the same words.
enum FindingQuery {
    /// The jsonpath of an attribute in lax mode: arrays along the way (network interfaces, tags) are searched,
    /// and a list at the end yields its elements.
    static func jsonPath(_ path: String) -> String {
        "lax $" + (Self.aliases[path] ?? path).split(separator: ".").map { ".\"\($0)\"" }.joined() + "[*]"
    }

    /// Criteria paths whose values the document holds elsewhere: `additionalInfo` is a JSON string (GuardDuty's
    /// shape), so the list or feed that matched is looked up in the evidence, which names the same lists.
    static let aliases = ["service.additionalInfo.threatListName": "service.evidence.threatIntelligenceDetails.threatListName"]

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
                let numbers = try values.map { try CriteriaRules.number($0, path: term.path) }
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
            func date(_ millis: Int64) throws -> Date { Self.date(try CriteriaRules.epochMillis(millis, path: term.path)) }
            switch term.test {
            case .equals(let values), .notEquals(let values):
                let dates = try values.map { Self.date(try CriteriaRules.timestamp($0, path: term.path)) }
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
                let flags = try values.map { try CriteriaRules.flag($0, path: term.path) }
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

    /// Epoch milliseconds (checked by the core to lie in years 1 to 9999) as a date to bind.
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    static func notOrdered(_ path: String) -> GuardDutyError { CriteriaRules.notOrdered(path) }

    static func notText(_ path: String) -> GuardDutyError { CriteriaRules.notText(path) }
}
