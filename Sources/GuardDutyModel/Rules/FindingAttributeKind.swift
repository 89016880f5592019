/// What a criteria attribute holds, which decides the tests it takes and how its values are read: text (equals,
/// notEquals, matches), numbers and timestamps (also the ordered tests), flags (equals, notEquals), and any other
/// path of the finding document (every test, compared as found).
public enum FindingAttributeKind: Sendable, Equatable {
    case text
    case number
    case timestamp
    case boolean
    case document

    /// The kinds of the attributes GuardDuty's criteria commonly name; every other path is a document path.
    public static func of(_ path: String) -> FindingAttributeKind {
        switch path {
        case "accountId", "region", "id", "type", "service.userFeedback", "resource.resourceType": return .text
        case "severity", "service.count": return .number
        case "updatedAt", "createdAt", "service.eventFirstSeen", "service.eventLastSeen": return .timestamp
        case "service.archived", "service.additionalInfo.sample": return .boolean
        default: return .document
        }
    }
}
