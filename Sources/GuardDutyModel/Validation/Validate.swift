/// Input checks shared by every operation; each failure is a 400 whose message names the field and what is allowed.
public enum Validate {
    /// Member accounts per invitation-method administrator (GuardDuty's quota).
    public static let maxMembersPerAdministrator = 5_000
    /// Member accounts per delegated (organisation) administrator.
    public static let maxOrganizationMembers = 50_000
    public static let maxAccountIdsPerCall = 50
    public static let maxTagsPerResource = 50

    public static func isAccountId(_ value: String) -> Bool {
        value.utf8.count == 12 && value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    public static func accountId(_ value: String, field: String = "accountId") throws {
        guard self.isAccountId(value) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the \(field) '\(value.prefix(64))' is not a valid AWS account ID: it must be 12 digits."
            )
        }
    }

    /// Checks a list of account ids: 1 to 50 entries of 12 digits each, no repeats.
    public static func accountIds(_ values: [String], field: String = "accountIds") throws {
        guard !values.isEmpty else {
            throw GuardDutyError.badRequest("The request is rejected because \(field) is empty: give 1 to 50 account IDs.")
        }
        guard values.count <= self.maxAccountIdsPerCall else {
            throw GuardDutyError.badRequest(
                "The request is rejected because \(field) has \(values.count) entries: at most 50 account IDs are allowed in one call."
            )
        }
        var seen = Set<String>()
        for value in values {
            try self.accountId(value, field: "\(field) entry")
            guard seen.insert(value).inserted else {
                throw GuardDutyError.badRequest("The request is rejected because \(field) lists account ID \(value) more than once.")
            }
        }
    }

    public static func email(_ value: String, accountId: String) throws {
        let count = value.unicodeScalars.count
        guard count >= 1, count <= 64, value.contains("@") else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the email of account \(accountId) is not a valid email address of 1 to 64 characters."
            )
        }
    }

    /// GuardDuty detector ids are 1–300 characters; Guardpost issues 32 lowercase hex characters.
    public static func detectorId(_ value: String) throws {
        guard !value.isEmpty, value.utf8.count <= 300,
            value.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || $0 == 45 || $0 == 95 })
        else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the input detectorId is not a valid detector ID: 1 to 300 letters, digits, '-' or '_'."
            )
        }
    }

    /// Parses `maxResults` from a query string: absent means the default, otherwise 1...max.
    /// A JSON body's `maxResults` (ListFindings, ListCoverage, GetUsageStatistics): absent means 50, otherwise 1 to 50.
    public static func maxResults(_ value: Int?) throws -> Int {
        let maxResults = value ?? 50
        guard (1...50).contains(maxResults) else {
            throw GuardDutyError.badRequest("The request is rejected because maxResults \(maxResults) is out of range: it must be from 1 to 50.")
        }
        return maxResults
    }

    public static func maxResults(_ raw: String?, default defaultValue: Int = 50, max: Int = 50) throws -> Int {
        guard let raw else { return defaultValue }
        guard let value = Int(raw), value >= 1, value <= max else {
            throw GuardDutyError.badRequest(
                "The request is rejected because maxResults '\(raw.prefix(32))' is out of range: it must be an integer from 1 to \(max)."
            )
        }
        return value
    }

    public static func clientToken(_ value: String?) throws {
        if let value, value.utf8.count > 64 {
            throw GuardDutyError.badRequest("The request is rejected because clientToken is longer than 64 characters.")
        }
    }

    /// Tag keys 1–128 characters, not starting with `aws:`; values up to 256 characters; 1–50 tags per call.
    public static func tags(_ tags: [String: String]) throws {
        guard !tags.isEmpty else {
            throw GuardDutyError.badRequest("The request is rejected because tags is empty: give 1 to 50 tags.")
        }
        guard tags.count <= self.maxTagsPerResource else {
            throw GuardDutyError.badRequest("The request is rejected because a resource can have at most 50 tags.")
        }
        for (key, value) in tags {
            try self.tagKey(key)
            guard value.unicodeScalars.count <= 256 else {
                throw GuardDutyError.badRequest("The request is rejected because the value of tag '\(key)' is longer than 256 characters.")
            }
        }
    }

    public static func tagKey(_ key: String) throws {
        guard (1...128).contains(key.unicodeScalars.count) else {
            throw GuardDutyError.badRequest("The request is rejected because tag key '\(key.prefix(140))' is not 1 to 128 characters long.")
        }
        guard !key.lowercased().hasPrefix("aws:") else {
            throw GuardDutyError.badRequest("The request is rejected because tag key '\(key)' uses the reserved prefix 'aws:'.")
        }
    }
}
