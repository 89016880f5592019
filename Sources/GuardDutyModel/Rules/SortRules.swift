/// `SortCriteria`: an attribute path of the finding and ASC or DESC. Without either, listings are newest first.
public enum SortRules {
    /// The checked attribute (updatedAt when absent) and direction (ASC when absent); nil when the criteria name
    /// neither, so the default order applies.
    public static func check(_ criteria: SortCriteria?) throws -> (attribute: String, descending: Bool)? {
        guard let criteria, criteria.attributeName != nil || criteria.orderBy != nil else { return nil }
        let descending: Bool
        switch criteria.orderBy ?? "ASC" {
        case "ASC": descending = false
        case "DESC": descending = true
        default:
            throw GuardDutyError.badRequest(
                "The request is rejected because orderBy '\((criteria.orderBy ?? "").prefix(20))' is not ASC or DESC."
            )
        }
        let attribute = criteria.attributeName ?? "updatedAt"
        try FindingAttribute.validatePath(attribute)
        return (attribute, descending)
    }
}
