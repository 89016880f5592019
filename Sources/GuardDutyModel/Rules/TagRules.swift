/// Tags on a resource: the keys UntagResource takes, and the 50-tag limit after TagResource merges new tags in.
public enum TagRules {
    /// Existing tags with `new` merged in (new values win), at most `Validate.maxTagsPerResource`.
    public static func merge(_ existing: [String: String], _ new: [String: String]) throws -> [String: String] {
        let merged = existing.merging(new) { $1 }
        guard merged.count <= Validate.maxTagsPerResource else {
            throw GuardDutyError.badRequest("The request is rejected because a resource can have at most 50 tags; it would have \(merged.count).")
        }
        return merged
    }

    /// UntagResource's keys: 1 to 200, each a valid tag key.
    public static func untagKeys(_ keys: [String]) throws {
        guard !keys.isEmpty, keys.count <= 200 else {
            throw GuardDutyError.badRequest("The request is rejected because tagKeys must list 1 to 200 keys.")
        }
        for key in keys { try Validate.tagKey(key) }
    }
}
