/// `Condition`: one attribute's test. The six short keys (eq, neq, gt, gte, lt, lte) are GuardDuty's deprecated
/// spelling of the long ones; both are accepted and mean the same.
public struct Condition: Codable, Sendable, Equatable {
    public var eq: [String]?
    public var neq: [String]?
    public var gt: Int64?
    public var gte: Int64?
    public var lt: Int64?
    public var lte: Int64?
    public var equals: [String]?
    public var notEquals: [String]?
    public var greaterThan: Int64?
    public var greaterThanOrEqual: Int64?
    public var lessThan: Int64?
    public var lessThanOrEqual: Int64?
    public var matches: [String]?
    public var notMatches: [String]?

    public init(
        equals: [String]? = nil, notEquals: [String]? = nil, greaterThan: Int64? = nil, greaterThanOrEqual: Int64? = nil,
        lessThan: Int64? = nil, lessThanOrEqual: Int64? = nil, matches: [String]? = nil, notMatches: [String]? = nil
    ) {
        self.equals = equals
        self.notEquals = notEquals
        self.greaterThan = greaterThan
        self.greaterThanOrEqual = greaterThanOrEqual
        self.lessThan = lessThan
        self.lessThanOrEqual = lessThanOrEqual
        self.matches = matches
        self.notMatches = notMatches
    }
}

/// `FindingCriteria`: attribute path → condition. Attributes are ANDed; the values of one condition are ORed.
public struct FindingCriteria: Codable, Sendable, Equatable {
    public var criterion: [String: Condition]?

    public init(criterion: [String: Condition]? = nil) {
        self.criterion = criterion
    }
}

/// `SortCriteria`: any attribute path, ASC or DESC.
public struct SortCriteria: Codable, Sendable, Equatable {
    public var attributeName: String?
    public var orderBy: String?

    public init(attributeName: String? = nil, orderBy: String? = nil) {
        self.attributeName = attributeName
        self.orderBy = orderBy
    }
}

/// One validated test of a finding attribute.
public enum CriterionTest: Sendable, Equatable {
    case equals([String])
    case notEquals([String])
    case greaterThan(Int64)
    case greaterThanOrEqual(Int64)
    case lessThan(Int64)
    case lessThanOrEqual(Int64)
    /// Wildcard patterns (`*` any run of characters, `?` one character), filters only.
    case matches([String])
    case notMatches([String])
}

/// An attribute path with one test; a condition with several keys becomes several terms (ANDed).
public struct CriterionTerm: Sendable, Equatable {
    public var path: String
    public var test: CriterionTest

    public init(path: String, test: CriterionTest) {
        self.path = path
        self.test = test
    }
}

extension FindingCriteria {
    /// GuardDuty's limits: 50 attributes per criteria, 50 values per list, 5 patterns of 1–512 characters.
    public static let maxAttributes = 50

    /// The criteria as validated terms, in a stable order (by path). `matches`/`notMatches` are refused unless
    /// `allowMatches` (GuardDuty accepts them only in filters).
    public func terms(allowMatches: Bool) throws -> [CriterionTerm] {
        let criterion = self.criterion ?? [:]
        guard criterion.count <= Self.maxAttributes else {
            throw GuardDutyError.badRequest(
                "The request is rejected because findingCriteria has \(criterion.count) attributes; at most \(Self.maxAttributes) are allowed."
            )
        }
        var terms: [CriterionTerm] = []
        for (path, condition) in criterion.sorted(by: { $0.key < $1.key }) {
            try FindingAttribute.validatePath(path)
            var found: [CriterionTest] = []
            func list(_ values: [String]?, _ other: [String]?, _ name: String, _ make: ([String]) -> CriterionTest) throws {
                let merged = (values ?? []) + (other ?? [])
                guard values != nil || other != nil else { return }
                guard !merged.isEmpty, merged.count <= 50 else {
                    throw GuardDutyError.badRequest(
                        "The request is rejected because the \(name) condition of '\(path)' has \(merged.count) values; it takes 1 to 50."
                    )
                }
                found.append(make(merged))
            }
            try list(condition.eq, condition.equals, "equals", CriterionTest.equals)
            try list(condition.neq, condition.notEquals, "notEquals", CriterionTest.notEquals)
            for (short, long, make) in [
                (condition.gt, condition.greaterThan, CriterionTest.greaterThan),
                (condition.gte, condition.greaterThanOrEqual, CriterionTest.greaterThanOrEqual),
                (condition.lt, condition.lessThan, CriterionTest.lessThan),
                (condition.lte, condition.lessThanOrEqual, CriterionTest.lessThanOrEqual),
            ] {
                if let value = long ?? short { found.append(make(value)) }
            }
            for (patterns, name, make) in [
                (condition.matches, "matches", CriterionTest.matches), (condition.notMatches, "notMatches", CriterionTest.notMatches),
            ] {
                guard let patterns else { continue }
                guard allowMatches else {
                    throw GuardDutyError.badRequest(
                        "The request is rejected because the \(name) condition is only supported in filters (CreateFilter, UpdateFilter)."
                    )
                }
                guard (1...5).contains(patterns.count), patterns.allSatisfy({ (1...512).contains($0.unicodeScalars.count) }) else {
                    throw GuardDutyError.badRequest(
                        "The request is rejected because the \(name) condition of '\(path)' takes 1 to 5 patterns of 1 to 512 characters."
                    )
                }
                found.append(make(patterns))
            }
            guard !found.isEmpty else {
                throw GuardDutyError.badRequest("The request is rejected because the condition of '\(path)' has no operator.")
            }
            terms += found.map { CriterionTerm(path: path, test: $0) }
        }
        return terms
    }
}

/// What Guardpost knows about the attribute paths of criteria and sorts.
public enum FindingAttribute {
    /// Paths are dotted JSON member names of the Finding schema, e.g. `service.action.networkConnectionAction.localPortDetails.port`.
    public static func validatePath(_ path: String) throws {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            path.utf8.count <= 256 && segments.count <= 12
            && segments.allSatisfy { segment in
                guard let first = segment.utf8.first, (first | 0x20) >= 97, (first | 0x20) <= 122 else { return false }
                return segment.utf8.allSatisfy { byte in
                    (byte >= 48 && byte <= 57) || ((byte | 0x20) >= 97 && (byte | 0x20) <= 122)
                }
            }
        guard valid else {
            throw GuardDutyError.badRequest(
                "The request is rejected because '\(path.prefix(100))' is not a finding attribute: use a dotted path of the finding's JSON names, such as service.action.actionType."
            )
        }
    }

    /// Paths whose values are timestamps, compared as epoch milliseconds.
    public static let timestampPaths: Set<String> = ["updatedAt", "createdAt", "service.eventFirstSeen", "service.eventLastSeen"]

    /// A wildcard pattern as an anchored POSIX regular expression (`*` → `.*`, `?` → `.`, the rest literal).
    public static func wildcardRegex(_ pattern: String) -> String {
        var regex = "^"
        // Scalar by scalar, as the database reads it: a special character followed by a combining mark is one Character
        // (".\u{301}" is not "."), and must still be escaped.
        for scalar in pattern.unicodeScalars {
            switch scalar {
            case "*": regex += ".*"
            case "?": regex += "."
            case "\\", ".", "+", "(", ")", "[", "]", "{", "}", "^", "$", "|":
                regex += "\\"
                regex.unicodeScalars.append(scalar)
            default: regex.unicodeScalars.append(scalar)
            }
        }
        return regex + "$"
    }
}
